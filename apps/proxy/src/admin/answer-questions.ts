import type { NodeQuestion, NodeReply } from "@concierge/config/node-questions";

import { explainRequest, type ExplainSources } from "./explain-request.ts";
import { probeTargets } from "./probe-target.ts";
import { isPrimaryMessage, send } from "./worker-report.ts";

/**
 * Worker side: answers the questions the primary passes on from the dashboard, from this
 * worker's compiled config, target states and cache. The primary validated them already.
 */
export function answerQuestions(sources: ExplainSources): void {
  process.on("message", (message) => {
    if (!isPrimaryMessage(message, "concierge:ask")) return;
    void answer(message.question, sources).then((reply) =>
      send({ type: "concierge:answer", requestId: message.requestId, reply }),
    );
  });
}

export async function answer(question: NodeQuestion, sources: ExplainSources): Promise<NodeReply> {
  try {
    const result = question.kind === "explain" ? explainRequest(question, sources) : await probeTargets(question, sources);
    return { ok: true, answer: result };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
