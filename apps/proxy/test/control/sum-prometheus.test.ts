import { describe, expect, it } from "vitest";

import { sumPrometheus } from "../../src/admin/sum-prometheus.ts";

const worker = (requests: number, bucket: number) => `# HELP concierge_requests_total Requests.
# TYPE concierge_requests_total counter
concierge_requests_total{route="a",status_class="2xx"} ${requests}
# HELP concierge_request_duration_seconds Latency.
# TYPE concierge_request_duration_seconds histogram
concierge_request_duration_seconds_bucket{le="0.1"} ${bucket}
concierge_request_duration_seconds_bucket{le="+Inf"} ${bucket + 1}
concierge_request_duration_seconds_sum 0.5
concierge_request_duration_seconds_count ${bucket + 1}
`;

describe("sumPrometheus", () => {
  it("adds up samples with the same name and labels, grouped by family, each comment once", () => {
    const text = sumPrometheus([
      { worker: 1, text: worker(3, 2) },
      { worker: 2, text: worker(4, 5) },
      { worker: 3, text: 'concierge_requests_total{route="b",status_class="5xx"} 1\n' },
    ]);
    expect(text).toBe(`# HELP concierge_requests_total Requests.
# TYPE concierge_requests_total counter
concierge_requests_total{route="a",status_class="2xx"} 7
concierge_requests_total{route="b",status_class="5xx"} 1
# HELP concierge_request_duration_seconds Latency.
# TYPE concierge_request_duration_seconds histogram
concierge_request_duration_seconds_bucket{le="0.1"} 7
concierge_request_duration_seconds_bucket{le="+Inf"} 9
concierge_request_duration_seconds_sum 1
concierge_request_duration_seconds_count 9
`);
  });

  it("reads label values that contain spaces", () => {
    const text = sumPrometheus([
      { worker: 1, text: 'x{path="/a b"} 1' },
      { worker: 2, text: 'x{path="/a b"} 2' },
    ]);
    expect(text).toBe('x{path="/a b"} 3\n');
  });

  it("keeps one series per worker for per-worker families", () => {
    const up = (worker: number, value: number) => ({
      worker,
      text: `# TYPE concierge_target_up gauge\nconcierge_target_up{target="t1"} ${value}\nconcierge_workers_seen 1\n`,
    });
    expect(sumPrometheus([up(1, 1), up(2, 0)], new Set(["concierge_target_up", "concierge_workers_seen"]))).toBe(
      `# TYPE concierge_target_up gauge
concierge_target_up{worker="1",target="t1"} 1
concierge_target_up{worker="2",target="t1"} 0
concierge_workers_seen{worker="1"} 1
concierge_workers_seen{worker="2"} 1
`,
    );
  });
});
