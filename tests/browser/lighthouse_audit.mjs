// Runs Lighthouse (SEO, accessibility, best practices) over several pages in one Chromium, for
// tests/browser/test_lighthouse.py. Reads {"urls": [...], "cookie": "..."|null} on stdin; prints one JSON line:
// [{url, scores: {category: 0..100}, failing: [{id, title, score, items}]}]. CHROME_PATH names the browser.
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const CATEGORIES = ["seo", "accessibility", "best-practices"];
const CHROME_FLAGS = [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
];

// Pages of our own on loopback: the waits tuned for the open web only slow the run; the page's own requests
// have all finished by then. (Throttling stays "simulate": it only touches performance, which is not run, and
// an observed method would force 5 s quiet windows.)
const CONFIG = {
  extends: "lighthouse:default",
  settings: {pauseAfterLoadMs: 250, networkQuietThresholdMs: 500, cpuQuietThresholdMs: 500},
};

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const {urls, cookie} = JSON.parse(Buffer.concat(chunks).toString());

const chrome = await chromeLauncher.launch({chromeFlags: CHROME_FLAGS, chromePath: process.env.CHROME_PATH});
const results = [];
try {
  for (const url of urls) {
    const flags = {
      port: chrome.port,
      output: "json",
      logLevel: process.env.LH_LOG || "error",
      onlyCategories: CATEGORIES,
      formFactor: "desktop",
      screenEmulation: {mobile: false, width: 1280, height: 900, deviceScaleFactor: 1, disabled: false},
      disableFullPageScreenshot: true,
      extraHeaders: cookie ? {Cookie: cookie} : undefined,
    };
    const {lhr} = await lighthouse(url, flags, CONFIG);
    const failing = Object.values(lhr.audits)
      .filter((audit) => audit.score !== null && audit.score < 1 && ["binary", "numeric"].includes(audit.scoreDisplayMode))
      .map((audit) => ({
        id: audit.id,
        title: audit.title,
        score: audit.score,
        items: (audit.details?.items || []).slice(0, 5).map((item) => item.node?.snippet || item.source?.url || item.url || JSON.stringify(item).slice(0, 200)),
      }));
    const scores = Object.fromEntries(CATEGORIES.map((name) => [name, Math.round((lhr.categories[name]?.score ?? 0) * 100)]));
    results.push({url, scores, failing, runtimeError: lhr.runtimeError?.message || null});
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(results) + "\n");
