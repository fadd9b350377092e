#!/usr/bin/env node
// Browser tests: start a fresh local Folio (own port, own local state), seed the
// demo data, and drive Debian's Chromium through playwright-core.
//
//   npm run test:e2e                  every spec in test/e2e/specs/
//   npm run test:e2e -- landing auth  only these specs (file names without .mjs)
//   npm run test:e2e -- --port 8800   this port (or E2E_PORT); by default 8799, or a free
//                                     port when 8799 is taken
//   npm run test:e2e -- --keep-state  keep .wrangler/e2e-XXXX afterwards
//
// A spec module exports `name` and `async run({ page, origin, screenshot, expect, demo })`.
// A spec fails if it throws or if the page logged any console error or uncaught
// exception. Screenshots go to test-results/screenshots/<spec>.png, counts to
// test-results/e2e.json, and the last line printed is `N passed, N failed`.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { seedDemo, startDevServer } from "../../scripts/lib/dev-server.mjs";
import { expect } from "./expect.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
process.chdir(root); // dev-server.mjs and wrangler work relative to the project root

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
const SPEC_TIMEOUT_MS = 90_000;
const specsDir = join(root, "test", "e2e", "specs");
const resultsDir = join(root, "test-results");
const screenshotsDir = join(resultsDir, "screenshots");
const summaryFile = join(resultsDir, "e2e.json");

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: "string" },
    "keep-state": { type: "boolean", default: false },
  },
});
const requestedPort = opts.port ?? process.env.E2E_PORT;
let port = Number(requestedPort ?? 8799);

// ---- which specs -------------------------------------------------------------------
const available = readdirSync(specsDir)
  .filter((f) => f.endsWith(".mjs"))
  .map((f) => f.slice(0, -4))
  .sort();
const wanted = positionals.map((p) => p.replace(/\.mjs$/, "").replace(/^.*\//, ""));
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length) {
  console.error(`Unknown spec(s): ${unknown.join(", ")}. Available: ${available.join(", ")}`);
  process.exit(2);
}
const selected = wanted.length ? available.filter((s) => wanted.includes(s)) : available;

// ---- results -----------------------------------------------------------------------
mkdirSync(screenshotsDir, { recursive: true });
rmSync(summaryFile, { force: true });
/** @type {{ id: string, name: string, status: "passed" | "failed", ms: number, error?: string, consoleErrors: string[] }[]} */
const results = [];

function finish() {
  const passed = results.filter((r) => r.status === "passed").length;
  const failed = results.length - passed;
  writeFileSync(summaryFile, `${JSON.stringify({ passed, failed, specs: results }, null, 2)}\n`);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && results.length > 0 ? 0 : 1);
}

/** Every selected spec that did not get to run is a failure, with the reason. */
function failRemaining(reason) {
  for (const id of selected) {
    if (!results.some((r) => r.id === id)) {
      results.push({ id, name: id, status: "failed", ms: 0, error: reason, consoleErrors: [] });
      console.log(`✗ ${id}: not run (${reason})`);
    }
  }
}

// ---- the server --------------------------------------------------------------------
/** A port the OS says is free right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
      .once("error", reject)
      .listen(0, "127.0.0.1", () => {
        const { port: p } = probe.address();
        probe.close(() => resolve(p));
      });
  });
}

function portIsFree(p) {
  return new Promise((resolve) => {
    const probe = createServer()
      .once("error", () => resolve(false))
      .once("listening", () => probe.close(() => resolve(true)))
      .listen(p, "127.0.0.1");
  });
}

let server;
let stateDir;
let browser;

async function stopServer() {
  if (!server) return;
  const { child } = server;
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => child.once("exit", resolve));
  server.stop(); // SIGTERM to wrangler's process group
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }, 10_000);
  await exited;
  clearTimeout(timer);
  // workerd runs in the same group; wait until the whole group is gone so no
  // stray output follows the closing line and the port is free again.
  const deadline = Date.now() + 5_000;
  while (groupAlive(child.pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(child.pid)) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }
  server = undefined;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function cleanUp() {
  await browser?.close().catch(() => {});
  browser = undefined;
  await stopServer();
  if (stateDir && !opts["keep-state"]) rmSync(stateDir, { recursive: true, force: true });
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    console.log(`\n${signal}: stopping the server`);
    await cleanUp();
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

// ---- one spec ----------------------------------------------------------------------
async function runSpec(id, ctx) {
  const mod = await import(pathToFileURL(join(specsDir, `${id}.mjs`)).href);
  const name = mod.name ?? id;
  console.log(`\n▸ ${id}: ${name}`);
  const started = Date.now();
  const consoleErrors = [];
  let error;

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const where = msg.location()?.url;
    consoleErrors.push(`console.error: ${msg.text()}${where ? ` (${where})` : ""}`);
  });
  page.on("pageerror", (err) => consoleErrors.push(`uncaught: ${err.message}`));

  let shots = 0;
  const screenshot = async (label) => {
    const file = join(screenshotsDir, label ? `${id}-${label}.png` : `${id}.png`);
    await page.screenshot({ path: file, fullPage: true });
    shots++;
    return file;
  };

  try {
    if (typeof mod.run !== "function") throw new Error(`${id}.mjs exports no run() function`);
    let timer;
    await Promise.race([
      mod.run({ page, origin: ctx.origin, demo: ctx.demo, screenshot, expect }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${SPEC_TIMEOUT_MS / 1000}s`)),
          SPEC_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (err) {
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }

  try {
    if (error) await screenshot("failure");
    else if (shots === 0) await screenshot();
  } catch (err) {
    console.log(`  (no screenshot: ${err instanceof Error ? err.message : err})`);
  }
  await context.close().catch(() => {});

  if (!error && consoleErrors.length) {
    error = `the page logged ${consoleErrors.length} console error(s)`;
  }
  const ms = Date.now() - started;
  results.push({ id, name, status: error ? "failed" : "passed", ms, error, consoleErrors });
  if (error) {
    console.log(`✗ ${id} (${(ms / 1000).toFixed(1)}s)`);
    console.log(`  ${error.split("\n").join("\n  ")}`);
    for (const line of consoleErrors) console.log(`  • ${line}`);
  } else {
    console.log(`✓ ${id} (${(ms / 1000).toFixed(1)}s)`);
  }
}

// ---- main --------------------------------------------------------------------------
try {
  console.log(`Browser tests: ${selected.join(", ") || "(no specs)"}`);
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found. Install Debian's Chromium: sudo apt-get install -y --no-install-recommends chromium`,
    );
  }
  if (!(await portIsFree(port))) {
    if (requestedPort !== undefined) throw new Error(`port ${port} is in use`);
    const taken = port;
    port = await freePort();
    console.log(`▸ Port ${taken} is in use (another server?); using ${port}`);
  }
  mkdirSync(".wrangler", { recursive: true });
  stateDir = mkdtempSync(join(".wrangler", "e2e-"));
  // build: false because `wrangler dev` runs wrangler.toml's [build] command
  // (npx remix vite:build) itself before serving; building here too is ~4 s wasted.
  server = await startDevServer({ port, persistTo: stateDir, build: false });
  const demo = await seedDemo(server.origin, console.log);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  for (const id of selected) await runSpec(id, { origin: server.origin, demo });
} catch (err) {
  const reason = err instanceof Error ? err.message : String(err);
  console.error(`\n✗ ${reason}`);
  failRemaining(reason);
} finally {
  await cleanUp();
}
finish();
