import { chromium, type Browser } from "playwright-core";

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The system Chromium; nothing is downloaded. Playwright gives every launch a throwaway
 * profile of its own (it refuses a `--user-data-dir` argument). `extraArgs` are for switches
 * that only exist per browser, such as `--host-resolver-rules`.
 */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<TestBrowser> {
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
      ...extraArgs,
    ],
  });
  return { browser, close: () => browser.close() };
}
