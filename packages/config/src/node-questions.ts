/**
 * Questions the dashboard asks a connected proxy node over socket.io (request/acknowledgement):
 * "which route, pool, target and cache rule would serve this request" and "does this target
 * answer". The web validates what it sends and the node validates again what it receives.
 */
import { z } from "zod";

import { TargetStateSchema } from "./realtime.ts";

export const MAX_QUESTION_URL_LENGTH = 2_048;
export const MAX_PROBES_PER_QUESTION = 50;
export const EXPLAIN_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** An absolute http(s) URL of bounded length. */
export const QuestionUrlSchema = z
  .string()
  .max(MAX_QUESTION_URL_LENGTH, { message: `a URL must not exceed ${MAX_QUESTION_URL_LENGTH} characters` })
  .refine((value) => URL.canParse(value), { message: "not an absolute URL" })
  .refine((value) => /^https?:$/.test(new URL(value).protocol), { message: "only http and https URLs" });

const idSchema = z.string().min(1).max(200);

export const ExplainQuestionSchema = z.strictObject({
  kind: z.literal("explain"),
  url: QuestionUrlSchema,
  method: z.enum(EXPLAIN_METHODS),
});

export const ProbeQuestionSchema = z
  .strictObject({
    kind: z.literal("probe"),
    urls: z.array(QuestionUrlSchema).max(MAX_PROBES_PER_QUESTION).default([]),
    targets: z
      .array(z.strictObject({ poolId: idSchema, targetId: idSchema }))
      .max(MAX_PROBES_PER_QUESTION)
      .default([]),
  })
  .refine((question) => question.urls.length + question.targets.length > 0, {
    message: "name at least one URL or target",
  })
  .refine((question) => question.urls.length + question.targets.length <= MAX_PROBES_PER_QUESTION, {
    message: `at most ${MAX_PROBES_PER_QUESTION} probes at once`,
  });

export const NodeQuestionSchema = z.discriminatedUnion("kind", [ExplainQuestionSchema, ProbeQuestionSchema]);
export type ExplainQuestion = z.output<typeof ExplainQuestionSchema>;
export type ProbeQuestion = z.output<typeof ProbeQuestionSchema>;
export type NodeQuestion = z.output<typeof NodeQuestionSchema>;
export type NodeQuestionInput = z.input<typeof NodeQuestionSchema>;

const ExplainTargetSchema = z.object({
  id: z.string(),
  url: z.string(),
  state: TargetStateSchema,
  weight: z.number(),
  inFlight: z.number(),
  eligible: z.boolean(),
});

export const ExplainAnswerSchema = z.object({
  kind: z.literal("explain"),
  nodeId: z.string(),
  worker: z.number(),
  /** The revision the answering worker serves; null before the first config. */
  revision: z.number().nullable(),
  request: z.object({ method: z.string(), scheme: z.string(), host: z.string(), path: z.string(), query: z.string() }),
  /** Why this route serves the request, or why none does. */
  reason: z.string(),
  route: z
    .object({
      id: z.string(),
      name: z.string(),
      hosts: z.array(z.string()),
      pathPrefix: z.string(),
      methods: z.array(z.string()).nullable(),
      priority: z.number(),
    })
    .nullable(),
  pool: z
    .object({
      id: z.string(),
      name: z.string(),
      strategy: z.string(),
      targets: z.array(ExplainTargetSchema),
      /** The target the balancer would pick now; null when none is eligible or the choice is random. */
      next: z.object({ id: z.string(), url: z.string() }).nullable(),
      nextReason: z.string(),
    })
    .nullable(),
  cache: z
    .object({
      enabled: z.boolean(),
      key: z.string().nullable(),
      /** What the cache holds under the key now, for a request without Vary-selecting headers. */
      stored: z
        .object({
          statusCode: z.number(),
          ageSeconds: z.number(),
          lifetimeSeconds: z.number(),
          freshness: z.enum(["fresh", "stale"]),
          sizeBytes: z.number(),
        })
        .nullable(),
    })
    .nullable(),
});
export type ExplainAnswer = z.infer<typeof ExplainAnswerSchema>;

export const ProbeResultSchema = z.object({
  url: z.string(),
  /** Set when the probe named a pool's target. */
  poolId: z.string().optional(),
  targetId: z.string().optional(),
  /** True when anything answered over HTTP, whatever the status. */
  answered: z.boolean(),
  status: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});
export type ProbeResult = z.infer<typeof ProbeResultSchema>;

export const ProbeAnswerSchema = z.object({
  kind: z.literal("probe"),
  nodeId: z.string(),
  worker: z.number(),
  results: z.array(ProbeResultSchema),
});
export type ProbeAnswer = z.infer<typeof ProbeAnswerSchema>;

export type NodeAnswer = ExplainAnswer | ProbeAnswer;

/** What the node acknowledges with: its answer, or why it has none. */
export type NodeReply = { ok: true; answer: NodeAnswer } | { ok: false; error: string };

/** `/nodes` namespace, web → node. */
export interface NodeQuestionEvents {
  "node:ask": (question: NodeQuestion, reply: (reply: NodeReply) => void) => void;
}
