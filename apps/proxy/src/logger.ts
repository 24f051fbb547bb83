import { pino } from "pino";
import type { DestinationStream, Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

/** Secrets that must never reach a log line (style.md §4.9). */
const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  "*.password",
  "*.token",
  "*.nodeToken",
];

/** The process's root logger: JSON on stdout; components take `log.child({ component })`. */
export function createLogger(options: {
  level: string;
  nodeId: string;
  worker: number | "primary";
  destination?: DestinationStream;
}): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "proxy", nodeId: options.nodeId, worker: options.worker, pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
