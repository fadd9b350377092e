// Starting a local Folio: shared by `npm run dev` and the browser tests.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

function step(label, cmd, args, log) {
  log(`▸ ${label}`);
  const result = spawnSync(cmd, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
  });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status})`);
}

/**
 * Build, migrate and start `wrangler dev` in its own process group. Resolves
 * when /api/health reports every binding up. `persistTo` keeps a separate local
 * state (the browser tests use a fresh one per run).
 */
export async function startDevServer({
  port = 8787,
  persistTo,
  build = true,
  log = console.log,
} = {}) {
  if (!existsSync(".dev.vars")) {
    copyFileSync(".dev.vars.example", ".dev.vars");
    log("▸ Created .dev.vars from .dev.vars.example (local secrets; never committed)");
  }
  const persist = persistTo ? ["--persist-to", persistTo] : [];
  if (build) step("Building the Remix app", "npx", ["remix", "vite:build"], log);
  step(
    "Applying D1 migrations (local)",
    "npx",
    ["wrangler", "d1", "migrations", "apply", "DB", "--local", ...persist],
    log,
  );

  log("▸ Starting wrangler dev");
  const child = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--test-scheduled",
      // Links in mails and canonical URLs must point at this server, whatever its port.
      "--var",
      `APP_ORIGIN:http://127.0.0.1:${port}`,
      ...persist,
    ],
    {
      stdio: ["ignore", "inherit", "inherit"],
      detached: true,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    },
  );
  const origin = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  };
  const exited = new Promise((_, reject) =>
    child.on("exit", (code) => reject(new Error(`wrangler dev exited early (code ${code})`))),
  );
  exited.catch(() => {});
  try {
    await Promise.race([waitForHealth(origin, 120_000), exited]);
  } catch (err) {
    stop();
    throw err;
  }
  return { origin, child, stop };
}

/** Polls /api/health until every binding is up. */
export async function waitForHealth(origin, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${origin}/api/health`);
      if (res.ok) return await res.json();
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${origin} did not become healthy within ${timeoutMs / 1000}s (${last})`);
}

/**
 * Loads the demo data through the Worker's development-only seed endpoint,
 * which uses the same application services as the product. Idempotent.
 */
export async function seedDemo(origin, log = () => {}) {
  log("▸ Seeding demo data");
  const res = await fetch(`${origin}/api/dev/seed`, { method: "POST" });
  if (!res.ok) throw new Error(`Seeding failed: HTTP ${res.status} ${await res.text()}`);
  const result = await res.json();
  for (const line of result.log ?? []) log(`  ${line}`);
  return result.demo;
}
