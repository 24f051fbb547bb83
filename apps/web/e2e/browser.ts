import { chromium, type Browser } from "playwright-core";

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The system Chromium; nothing is downloaded. Playwright gives every launch a throwaway
 * profile of its own (it refuses a `--user-data-dir` argument).
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return { browser, close: () => browser.close() };
}
