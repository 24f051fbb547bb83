import {
  EXPLAIN_METHODS,
  QuestionUrlSchema,
  type ExplainAnswer,
  type NodeAnswer,
  type NodeQuestionInput,
} from "@concierge/config/node-questions";
import { z } from "zod";

import type { Actor } from "../auth/actor.ts";
import { requireRole } from "../auth/roles.ts";
import { nodeQuestions } from "../realtime/node-questions.ts";
import { InvalidInputError, NodeUnansweredError } from "./errors.ts";
import { toFieldErrors } from "./field-errors.ts";

export const NodeIdSchema = z.string().min(1).max(200);

export const ExplainQuerySchema = z.strictObject({
  url: QuestionUrlSchema,
  method: z.preprocess((value) => (typeof value === "string" ? value.toUpperCase() : value), z.enum(EXPLAIN_METHODS)).default("GET"),
  nodeId: NodeIdSchema.optional(),
});
export type ExplainQuery = z.output<typeof ExplainQuerySchema>;

export function readExplainQuery(url: string): ExplainQuery {
  const { searchParams } = new URL(url);
  const raw = Object.fromEntries([...searchParams].filter(([, value]) => value !== ""));
  const parsed = ExplainQuerySchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError("Invalid query", toFieldErrors(parsed.error.issues));
  return parsed.data;
}

/**
 * Asks a connected proxy node (`nodeId`, or any) over socket.io: the answer comes from the node's
 * compiled config and live target state, and probes run from the data plane.
 */
export async function askNode(question: NodeQuestionInput, nodeId: string | undefined): Promise<NodeAnswer> {
  const questions = nodeQuestions();
  if (!questions) throw new NodeUnansweredError("This server holds no proxy node connections", 503);
  const outcome = await questions.ask(question, nodeId);
  if (outcome.ok) return outcome.answer;
  if (outcome.status === 422) throw new InvalidInputError(outcome.message, [{ path: "", message: outcome.message }]);
  throw new NodeUnansweredError(outcome.message, outcome.status);
}

/** Which route, pool, target and cache rule a node would serve this request with, and why. */
export async function explainRequest(actor: Actor, query: ExplainQuery): Promise<ExplainAnswer> {
  requireRole(actor, "viewer");
  const answer = await askNode({ kind: "explain", url: query.url, method: query.method }, query.nodeId);
  if (answer.kind !== "explain") throw new Error("a node answered an explain question with a probe");
  return answer;
}
