/**
 * Real headless Chromium for tests (Debian's /usr/bin/chromium driven by playwright-core; no browser
 * download). `openFile` collects everything that should fail a report test: console errors, page
 * errors, failed loads, and any request that leaves the file (a report must be self-contained).
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** `CHROMIUM_PATH` overrides the Debian location. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}: install the Debian package (apt-get install chromium)`);
  }
  return path;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

/** Launch, run `fn`, always close. */
export async function withChromium<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await launchChromium();
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

export interface OpenedPage {
  page: Page;
  /** Console messages of type error, uncaught page errors, failed requests. */
  errors: string[];
  /** URLs requested other than the page itself and data: URLs. */
  externalRequests: string[];
  close(): Promise<void>;
}

/** Open a local HTML file in a fresh context and wait for it to load. */
export async function openFile(browser: Browser, file: string): Promise<OpenedPage> {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const errors: string[] = [];
  const externalRequests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  page.on("request", (r) => {
    const u = r.url();
    if (u !== url && !u.startsWith("data:")) externalRequests.push(u);
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, errors, externalRequests, close: () => context.close() };
}
