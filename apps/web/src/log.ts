import pino from "pino";

/** The web process's one root logger; components take children of it. */
export const log = pino({
  base: { service: "web" },
  redact: [
    "req.headers.authorization",
    "req.headers.cookie",
    'res.headers["set-cookie"]',
    "*.password",
    "*.token",
    "*.nodeToken",
  ],
});
