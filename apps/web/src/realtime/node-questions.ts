import {
  ExplainAnswerSchema,
  NodeQuestionSchema,
  ProbeAnswerSchema,
  type NodeAnswer,
  type NodeQuestionInput,
  type NodeReply,
} from "@concierge/config/node-questions";
import type { NodeToServerEvents, ServerToNodeEvents } from "@concierge/config/realtime";
import type { Socket } from "socket.io";

/** Beyond the node's own probe timeout and worker hop: past this, the node is not answering. */
export const ASK_TIMEOUT_MS = 8_000;

/**
 * What asking a node gives: the node's answer, or why there is none as the HTTP status the API
 * answers with. A plain value rather than an exception: the caller runs in the Next.js bundle,
 * whose error classes are not this module's.
 */
export type AskOutcome =
  | { ok: true; answer: NodeAnswer }
  | { ok: false; status: 422 | 502 | 503 | 504; message: string };

export interface NodeQuestions {
  /** Asks `nodeId`, or any connected node when absent. */
  ask(question: NodeQuestionInput, nodeId?: string): Promise<AskOutcome>;
}

type NodeSocket = Socket<NodeToServerEvents, ServerToNodeEvents>;

/** The `/nodes` sockets by node id, and the request/acknowledgement round trip to one of them. */
export function createNodeQuestions(): NodeQuestions & {
  connected(nodeId: string, socket: NodeSocket): void;
  disconnected(nodeId: string, socket: NodeSocket): void;
} {
  const sockets = new Map<string, NodeSocket>();

  return {
    connected: (nodeId, socket) => void sockets.set(nodeId, socket),
    disconnected(nodeId, socket) {
      if (sockets.get(nodeId) === socket) sockets.delete(nodeId);
    },
    async ask(input, nodeId) {
      const question = NodeQuestionSchema.safeParse(input);
      if (!question.success) return { ok: false, status: 422, message: question.error.issues[0]?.message ?? "invalid question" };
      const chosen = nodeId === undefined ? sockets.entries().next().value : ([nodeId, sockets.get(nodeId)] as const);
      const [id, socket] = chosen ?? [];
      if (!socket || id === undefined) {
        const message =
          nodeId === undefined
            ? "No proxy node is connected to the dashboard; the question must be asked of a node"
            : `Proxy node ${nodeId} is not connected to the dashboard`;
        return { ok: false, status: 503, message };
      }
      let reply: NodeReply;
      try {
        reply = await socket.timeout(ASK_TIMEOUT_MS).emitWithAck("node:ask", question.data);
      } catch {
        return { ok: false, status: 504, message: `Proxy node ${id} did not answer within ${ASK_TIMEOUT_MS / 1000} s` };
      }
      if (!reply.ok) return { ok: false, status: 502, message: `Proxy node ${id} could not answer: ${reply.error}` };
      const schema = question.data.kind === "explain" ? ExplainAnswerSchema : ProbeAnswerSchema;
      const answer = schema.safeParse(reply.answer);
      if (!answer.success) return { ok: false, status: 502, message: `Proxy node ${id} answered in a shape this dashboard does not read` };
      return { ok: true, answer: answer.data };
    },
  };
}

/**
 * Route handlers run inside the Next.js bundle while socket.io lives in the custom server; both
 * are in one process, so the server registers the asker here under a shared symbol.
 */
const QUESTIONS_KEY = Symbol.for("concierge.web.node-questions");
type Holder = { [QUESTIONS_KEY]?: NodeQuestions };

export function registerNodeQuestions(questions: NodeQuestions): void {
  (globalThis as Holder)[QUESTIONS_KEY] = questions;
}

/** Absent when no socket server runs in this process: then no node can be asked. */
export function nodeQuestions(): NodeQuestions | undefined {
  return (globalThis as Holder)[QUESTIONS_KEY];
}
