#!/usr/bin/env node
// `npm run bench`: build for production, serve the built Worker on workerd via
// Miniflare 4 (not `wrangler dev`), seed, and measure every endpoint against the
// floor measured in the same round, at each scale. See bench/README.md.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildWorker, profileStartup } from "./lib/build.mjs";
import {
  endpointSpecs,
  FreshSlugs,
  floorSpecs,
  HOT_SLUG,
  PUB,
  saveDriver,
} from "./lib/endpoints.mjs";
import { alternate, slice } from "./lib/load.mjs";
import { profileDuring, summarizeProfile } from "./lib/profile.mjs";
import { renderMarkdown, summarize } from "./lib/report.mjs";
import { freePort, readWranglerFacts, startWorker, WORKER_NAME } from "./lib/server.mjs";
import { pageWeight } from "./lib/weight.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const HELP = `npm run bench -- [options]
  --scales 1000,10000,100000  post counts to measure at (ascending; default all three)
  --duration 10               seconds per measured run (default 10; --quick: 2)
  --warmup 3                  seconds of warm-up before each run (default 3; --quick: 1)
  --connections 8             autocannon connections for reads
  --save-connections 2        connections for the post save (D1 has one writer)
  --slice 2                   seconds per endpoint slice (default 2; --quick: 1)
  --floor-slice 1             seconds per floor slice between them (default 1; --quick: 0.5)
  --batch 1000                posts per bulk-seed call (max 1000)
  --only REGEX                only endpoints whose id matches (floors always run)
  --profile REGEX             also CPU-profile these endpoints (every workerd isolate, via the
                              V8 inspector) in an extra run; profiles go to bench/results/
  --quick                     short runs: --duration 2 --warmup 1 --slice 1 --floor-slice 0.5
  --skip-build                reuse dist/ and build/ from an earlier build
  --no-startup-profile        skip \`wrangler check startup\`
  --keep-state                keep the local D1/KV/R2/DO state in dist/bench/state`;

const { values: args } = parseArgs({
  options: {
    scales: { type: "string", default: "1000,10000,100000" },
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string", default: "8" },
    "save-connections": { type: "string", default: "2" },
    slice: { type: "string" },
    "floor-slice": { type: "string" },
    batch: { type: "string", default: "1000" },
    only: { type: "string" },
    profile: { type: "string" },
    quick: { type: "boolean", default: false },
    "skip-build": { type: "boolean", default: false },
    "no-startup-profile": { type: "boolean", default: false },
    "keep-state": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

const settings = {
  scales: args.scales.split(",").map((s) => Number(s.trim())),
  duration: Number(args.duration ?? (args.quick ? 2 : 10)),
  warmup: Number(args.warmup ?? (args.quick ? 1 : 3)),
  connections: Number(args.connections),
  saveConnections: Number(args["save-connections"]),
  sliceSeconds: Number(args.slice ?? (args.quick ? 1 : 2)),
  floorSeconds: Number(args["floor-slice"] ?? (args.quick ? 0.5 : 1)),
  batch: Math.min(1000, Number(args.batch)),
  only: args.only ?? null,
  profile: args.profile ?? null,
  quick: args.quick,
};
if (
  settings.scales.some(
    (n, i) => !Number.isInteger(n) || n < 200 || (i && n <= settings.scales[i - 1]),
  )
) {
  console.error("--scales must be ascending integers of at least 200");
  process.exit(2);
}
if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(
    `Node ${process.version}: the bench needs Node >= 22 (run it through npm run bench).`,
  );
  process.exit(2);
}

const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:.]/g, "-").replace("Z", "");
// Inside dist/ (ignored by git and biome; wrangler never empties it): bundle copy, assets
// copy and the local D1/KV/R2/DO state of a run.
const workDir = resolve("dist/bench");
const resultsDir = resolve("bench/results");
const t0 = performance.now();
const log = (msg) => {
  const s = ((performance.now() - t0) / 1000).toFixed(0).padStart(4);
  console.log(`[${s}s] ${msg}`);
};

const results = {
  startedAt: startedAt.toISOString(),
  environment: environment(),
  settings,
  bundle: null,
  startup: null,
  seeding: [],
  pageWeight: [],
  scales: [],
  notes: [],
};

let server;
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  if (server) await server.stop().catch(() => {});
  if (!args["keep-state"]) rmSync(join(workDir, "state"), { recursive: true, force: true });
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    console.log(`\n${sig}: stopping the Worker`);
    await stop();
    process.exit(130);
  });
}

try {
  await main();
} catch (error) {
  console.error(`\n✗ bench failed: ${error.stack ?? error}`);
  if (server?.tail.lines.length) {
    console.error("Last Worker log lines:");
    for (const line of server.tail.lines.slice(-15)) console.error(`  ${line.slice(0, 400)}`);
  }
  await stop();
  process.exit(1);
}
await stop();
process.exit(0);

async function main() {
  log(
    `Folio bench: scales ${settings.scales.join(", ")}; ${settings.connections} connections, ${settings.warmup} s warm-up, ${settings.duration} s per run; ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );

  // ---- build ---------------------------------------------------------------------------
  let metadata;
  if (args["skip-build"]) {
    log("▸ --skip-build: reusing the last build in dist/bench");
    ({ bundle: results.bundle, metadata } = JSON.parse(
      readFileSync(join(workDir, "build.json"), "utf8"),
    ));
  } else {
    ({ bundle: results.bundle, metadata } = await buildWorker({ workDir, log }));
    writeFileSync(
      join(workDir, "build.json"),
      JSON.stringify({ bundle: results.bundle, metadata }),
    );
  }
  results.startup = {
    profile: args["no-startup-profile"] ? null : await profileStartup({ workDir, log }),
  };

  // ---- serve ---------------------------------------------------------------------------
  log("▸ Starting the built Worker on workerd (Miniflare 4, 127.0.0.1)");
  rmSync(join(workDir, "state"), { recursive: true, force: true });
  const inspectorPort = settings.profile ? await freePort() : undefined;
  server = await startWorker({
    inspectorPort,
    bundle: join(workDir, "worker", "index.js"),
    metadata,
    assetsDir: join(workDir, "client"),
    stateDir: join(workDir, "state"),
    wrangler: readWranglerFacts(),
    log,
  });
  const { origin, db } = server;
  results.startup.miniflare = server.timings;
  results.miniflareOptions = server.options;

  // ---- seed ----------------------------------------------------------------------------
  log("▸ Seeding demo data (POST /api/dev/seed)");
  await postJson(`${origin}/api/dev/seed`, {});
  let current = 0;
  const growTo = async (target) => {
    const from = current;
    const started = performance.now();
    let lastLog = 0;
    while (current < target) {
      const count = Math.min(settings.batch, target - current);
      const body = await postJson(`${origin}/api/dev/seed/bulk`, {
        publication: PUB,
        count,
        start: current,
      });
      current += count;
      if (body.total !== current)
        throw new Error(`bulk seed says ${body.total} posts, expected ${current}`);
      const elapsed = (performance.now() - started) / 1000;
      if (current === target || elapsed - lastLog >= 5) {
        lastLog = elapsed;
        log(
          `  seeded ${current.toLocaleString("en")}/${target.toLocaleString("en")} posts (${Math.round((100 * (current - from)) / (target - from))}%, ${Math.round((current - from) / elapsed)} posts/s)`,
        );
      }
    }
    // Bulk loading leaves many FTS segments; production's sweep merges them over time.
    const merging = performance.now();
    await postJson(`${origin}/api/dev/search/optimize`, {});
    log(`  search index merged in ${((performance.now() - merging) / 1000).toFixed(1)} s`);
    const seconds = (performance.now() - started) / 1000;
    const row = {
      from,
      to: target,
      seconds: Math.round(seconds * 10) / 10,
      postsPerSecond: Math.round((target - from) / seconds),
    };
    results.seeding.push(row);
    return row;
  };

  const hasPing = (await fetch(`${origin}/api/ping`)).status === 200;
  if (!hasPing)
    results.notes.push("No GET /api/ping: the Hono floor is the 404 route /api/v1/nope.");
  const floors = floorSpecs({ hasPing });
  const fresh = { api: new FreshSlugs(), page: new FreshSlugs() };
  let cookie;
  let save;
  const only = settings.only ? new RegExp(settings.only) : null;
  const profileRe = settings.profile ? new RegExp(settings.profile) : null;
  const profileDir = join(resultsDir, `${stamp}-profiles`);

  for (const [scaleIndex, scale] of settings.scales.entries()) {
    log(
      `▸ Scale ${scale.toLocaleString("en")}: growing /@${PUB} to ${scale.toLocaleString("en")} published posts (bulk seed, ${settings.batch} per call)`,
    );
    const seeding = await growTo(scale);
    log(
      `  ${(seeding.to - seeding.from).toLocaleString("en")} posts in ${seeding.seconds} s (${seeding.postsPerSecond}/s)`,
    );
    fresh.api.grow(scale);
    fresh.page.grow(scale);

    if (!cookie) {
      cookie = await logIn(origin, `bench-${PUB}@folio.example`, "folio-bench-password");
      const ids = await db
        .prepare(
          `SELECT p.id FROM posts p JOIN publications u ON u.id = p.publication_id
           WHERE u.slug = ?1 AND p.slug IN ('post-5','post-6','post-7','post-8') ORDER BY p.slug`,
        )
        .bind(PUB)
        .all();
      const saveDriverPosts = ids.results
        .slice(0, settings.saveConnections)
        .map((r) => ({ id: r.id }));
      save = saveDriver({ origin, cookie, posts: saveDriverPosts });
    }

    // A cursor about 90% deep: the keyset of the post at that offset (what a reader
    // paging through would hold); each scale gets its own, so it is never cached.
    const deepIndex = Math.floor(scale * 0.9);
    const deep = await db
      .prepare(
        `SELECT pp.published_at, pp.post_id FROM published_posts pp JOIN publications u ON u.id = pp.publication_id
         WHERE u.slug = ?1 ORDER BY pp.published_at DESC, pp.post_id DESC LIMIT 1 OFFSET ?2`,
      )
      .bind(PUB, deepIndex)
      .first();
    const deepCursor = Buffer.from(JSON.stringify([deep.published_at, deep.post_id])).toString(
      "base64url",
    );

    const specs = endpointSpecs({ cookie, origin, deepCursor: () => deepCursor, fresh, save })
      .filter((s) => !only || only.test(s.id))
      .map((s) => ({ ...s, path: typeof s.path === "function" ? s.path() : s.path }));

    if (scaleIndex === 0) {
      log("▸ Page weight (HTML + CSS + JS as a browser fetches them)");
      for (const path of [`/@${PUB}/${HOT_SLUG}`, `/@${PUB}`]) {
        const w = await pageWeight(origin, path);
        results.pageWeight.push(w);
        log(
          `  ${path}: HTML ${w.html.raw} B (${w.html.gzip} gzip), CSS ${w.css.files} file(s) ${w.css.raw} B (${w.css.gzip} gzip), JS ${w.js.files} file(s) ${w.js.raw} B, inline scripts ${w.inlineScripts}; total ${w.total.gzip} B gzip / ${w.total.brotli} B brotli`,
        );
      }
    }

    log("  Checking every endpoint answers as expected before loading it");
    for (const spec of [floors.floor, floors.hono, ...specs]) await check(origin, spec);

    const scaleResult = { posts: scale, deepCursorOffset: deepIndex, endpoints: {} };
    results.scales.push(scaleResult);
    log(
      `▸ Load at ${scale.toLocaleString("en")} posts: each endpoint in ${Math.max(1, Math.round(settings.duration / settings.sliceSeconds))} slices alternating with ${settings.floorSeconds} s floor slices`,
    );
    await slice(origin, floors.floor, {
      seconds: settings.warmup,
      connections: settings.connections,
      record: false,
    });
    let honoRatio = null;
    for (const spec of [floors.hono, ...specs]) {
      let amount;
      if (spec.fresh) {
        // Capped by count: each request spends one never-requested slug.
        const slices = Math.max(1, Math.round(settings.duration / settings.sliceSeconds));
        const estimate = scaleResult.endpoints[spec.estimateFrom]?.rps ?? 300;
        const supply = fresh[spec.fresh].remaining() - slices * (settings.connections + 1);
        amount = Math.min(supply, Math.max(200, Math.ceil(estimate * 1.2 * settings.duration)));
        if (amount < 100) {
          log(
            `  ${spec.id}: only ${fresh[spec.fresh].remaining()} unused slugs left; skipped at this scale`,
          );
          continue;
        }
      }
      const m = await alternate(origin, spec, floors.floor, settings, { amount });
      const r = m.endpoint;
      if (spec.id === "hono") honoRatio = m.ratio;
      scaleResult.endpoints[spec.id] = {
        id: spec.id,
        label: spec.label,
        target: spec.target ?? null,
        scale: spec.scale ?? null,
        ...r,
        floorRps: m.floor.rps,
        floorLatency: m.floor.latency,
        ratio: m.ratio,
        sliceRatios: m.sliceRatios,
        ratioToHono: honoRatio ? round3(m.ratio / honoRatio) : null,
      };
      if (profileRe?.test(spec.id) && !spec.fresh) {
        scaleResult.endpoints[spec.id].profile = await profileEndpoint(spec, scale);
      }
      const cache = Object.entries(r.xCache)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
      const statuses = Object.entries(r.status)
        .map(([k, v]) => `${k}×${v}`)
        .join(" ");
      log(
        `  ${spec.id.padEnd(18)} ${String(r.rps).padStart(7)} req/s  p50 ${fmt(r.latency.p50)} ms  p99 ${fmt(r.latency.p99)} ms  × floor ${m.ratio.toFixed(3)} (floor ${Math.round(m.floor.rps)} req/s; slices ${m.sliceRatios.map((x) => x?.toFixed(2)).join(" ")})  [${r.requests} req, ${r.connections} conn; ${statuses}; X-Cache ${cache}; Worker app ${fmt(r.appMs)} ms; cores workerd ${r.cores.workerd} + harness ${r.cores.harness}]`,
      );
    }
  }

  /** One more run of `spec` with the Worker's isolate sampled by the V8 profiler. */
  async function profileEndpoint(spec, scale) {
    const workerTarget = `core:user:${WORKER_NAME}`;
    const { result, profiles } = await profileDuring(
      inspectorPort,
      () => slice(origin, spec, { seconds: settings.duration, connections: settings.connections }),
      { only: workerTarget },
    );
    mkdirSync(profileDir, { recursive: true });
    const file = join(profileDir, `${spec.id}@${scale}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profiles[workerTarget]));
    const worker = summarizeProfile(profiles[workerTarget], join(workDir, "worker", "index.js"));
    log(
      `    profile (${result.samples.length} requests): ${worker.byOwner
        .slice(0, 5)
        .map((o) => `${o.owner} ${o.pctOfBusy}%`)
        .join(", ")}`,
    );
    return { requests: result.samples.length, worker, file };
  }

  results.finishedAt = new Date().toISOString();
  results.environment.loadAvgEnd = os.loadavg();
  results.worker = {
    logLines: server.tail.count,
    errorLines: server.tail.errors,
    errorSamples: server.tail.errorSamples,
  };
  results.summary = summarize(results);

  mkdirSync(resultsDir, { recursive: true });
  const jsonPath = join(resultsDir, `${stamp}.json`);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  const md = renderMarkdown(results);
  writeFileSync(join(resultsDir, "latest.md"), md);
  writeFileSync(join(resultsDir, `${stamp}.md`), md);
  console.log(`\n${md}`);
  log(`Results: ${jsonPath} and bench/results/latest.md`);
}

// ---- helpers -------------------------------------------------------------------------------

async function postJson(url, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

async function logIn(origin, email, password) {
  const res = await fetch(`${origin}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`log-in as ${email}: HTTP ${res.status} ${await res.text()}`);
  const setCookie = res.headers.getSetCookie().find((c) => c.includes("folio_session="));
  if (!setCookie) throw new Error("log-in set no session cookie");
  return setCookie.split(";")[0];
}

/** One request per endpoint (two for cache hits): right status, right cache behaviour. */
async function check(origin, spec) {
  if (spec.method && spec.method !== "GET") return; // the save is checked by its own run
  const path = spec.nextPath ? spec.nextPath() : spec.path;
  let res;
  for (let i = 0; i < (spec.expectCache === "HIT" ? 2 : 1); i++) {
    res = await fetch(origin + path, { headers: spec.headers ?? {}, redirect: "manual" });
    await res.arrayBuffer();
  }
  const status = spec.expectStatus ?? 200;
  const xCache = res.headers.get("x-cache") ?? "none";
  if (res.status !== status)
    throw new Error(`${spec.id} ${path}: HTTP ${res.status}, expected ${status}`);
  if (spec.expectCache && xCache !== spec.expectCache) {
    throw new Error(`${spec.id} ${path}: X-Cache ${xCache}, expected ${spec.expectCache}`);
  }
}

function environment() {
  const pkg = (name) => {
    try {
      return JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
    } catch {
      return null;
    }
  };
  let commit = null;
  let dirty = null;
  try {
    // Read-only: no index refresh, no locks.
    const env = { ...process.env, GIT_OPTIONAL_LOCKS: "0" };
    commit = execFileSync("git", ["rev-parse", "HEAD"], { env }).toString().trim();
    dirty =
      execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { env })
        .toString()
        .trim() !== "";
  } catch {
    // not a git checkout
  }
  const cpus = os.cpus();
  return {
    node: process.version,
    wrangler: pkg("wrangler"),
    miniflare: pkg("miniflare"),
    workerd: pkg("workerd"),
    autocannon: pkg("autocannon"),
    commit,
    dirtyWorkingTree: dirty,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    loadAvgStart: os.loadavg(),
  };
}

function fmt(n) {
  return n == null ? "-" : n < 10 ? n.toFixed(2) : n.toFixed(1);
}
function round3(n) {
  return Math.round(n * 1000) / 1000;
}
