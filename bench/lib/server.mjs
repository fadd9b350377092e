// Serves the built Worker (dist/index.js from `wrangler deploy --dry-run`) with
// the stable Miniflare 4 API: workerd without the `wrangler dev` proxy, with real
// local bindings (D1, KV, R2, SQLite Durable Objects, queue, static assets).
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { Log, LogLevel, Miniflare, supportedCompatibilityDate } from "miniflare";

/**
 * The few wrangler.toml facts the upload metadata does not carry (which paths the
 * Worker owns ahead of assets, queue consumer settings, SQLite-backed classes),
 * read from the top-level (local) section with regexes: no TOML parser dependency.
 */
export function readWranglerFacts(path = "wrangler.toml") {
  const toml = readFileSync(path, "utf8");
  const top = toml.split(/^\[env\./m)[0];
  const str = (re, text = top) => re.exec(text)?.[1];
  const list = (text) => (text ? [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1]) : []);
  const blocks = (header) =>
    top
      .split(/^(?=\[)/m)
      .filter((b) => b.startsWith(header))
      .map((b) => b.slice(header.length));
  const consumers = blocks("[[queues.consumers]]").map((b) => ({
    queue: str(/^queue\s*=\s*"([^"]+)"/m, b),
    maxBatchSize: Number(str(/^max_batch_size\s*=\s*(\d+)/m, b) ?? 10),
    maxBatchTimeout: Number(str(/^max_batch_timeout\s*=\s*(\d+)/m, b) ?? 5),
    maxRetries: Number(str(/^max_retries\s*=\s*(\d+)/m, b) ?? 3),
    deadLetterQueue: str(/^dead_letter_queue\s*=\s*"([^"]+)"/m, b),
  }));
  const migrations = blocks("[[migrations]]");
  return {
    compatibilityDate: str(/^compatibility_date\s*=\s*"([^"]+)"/m),
    runWorkerFirst: list(str(/^run_worker_first\s*=\s*\[([^\]]*)\]/m)),
    consumers,
    sqliteClasses: migrations.flatMap((b) =>
      list(str(/^new_sqlite_classes\s*=\s*\[([^\]]*)\]/m, b)),
    ),
  };
}

/**
 * Miniflare options for every binding in the upload metadata, so a binding
 * added to wrangler.toml reaches the bench without editing it. Unknown kinds fail loudly.
 */
function bindingOptions(metadata, wrangler, overrides) {
  const o = {
    bindings: {},
    d1Databases: {},
    kvNamespaces: {},
    r2Buckets: {},
    durableObjects: {},
    queueProducers: {},
    ratelimits: {},
  };
  let assetsBinding;
  for (const b of metadata.bindings) {
    switch (b.type) {
      case "plain_text":
        o.bindings[b.name] = b.text;
        break;
      case "json":
        o.bindings[b.name] = b.json;
        break;
      case "d1":
        o.d1Databases[b.name] = `bench-${b.name.toLowerCase()}`;
        break;
      case "kv_namespace":
        o.kvNamespaces[b.name] = `bench-${b.namespace_id}`;
        break;
      case "r2_bucket":
        o.r2Buckets[b.name] = `bench-${b.bucket_name}`;
        break;
      case "durable_object_namespace":
        if (b.script_name)
          throw new Error(`DO ${b.name} lives in another Worker (${b.script_name})`);
        o.durableObjects[b.name] = {
          className: b.class_name,
          useSQLite: wrangler.sqliteClasses.includes(b.class_name),
        };
        break;
      case "queue":
        o.queueProducers[b.name] = { queueName: b.queue_name };
        break;
      case "ratelimit":
        o.ratelimits[b.name] = { simple: b.simple };
        break;
      case "assets":
        assetsBinding = b.name;
        break;
      default:
        throw new Error(`bench/lib/server.mjs does not know binding type ${b.type} (${b.name})`);
    }
  }
  Object.assign(o.bindings, overrides);
  o.queueConsumers = Object.fromEntries(
    wrangler.consumers
      .filter((c) => Object.values(o.queueProducers).some((p) => p.queueName === c.queue))
      .map(({ queue, ...rest }) => [queue, rest]),
  );
  return { options: o, assetsBinding };
}

/** The Worker's name in Miniflare; its inspector target is `/core:user:folio`. */
export const WORKER_NAME = "folio";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A bounded ring of the Worker's stdout/stderr lines, for diagnostics after a failure. */
class Tail {
  constructor(max = 200) {
    this.max = max;
    this.lines = [];
    this.count = 0;
    this.errors = 0;
    /** The first error lines, kept whole so the report can say what failed. */
    this.errorSamples = [];
  }
  attach(stream) {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop();
      for (const line of parts) {
        this.count++;
        if (/"level":"error"|Uncaught|Error:/.test(line)) {
          this.errors++;
          if (this.errorSamples.length < 10) this.errorSamples.push(line.slice(0, 500));
        }
        this.lines.push(line);
        if (this.lines.length > this.max) this.lines.shift();
      }
    });
  }
}

/**
 * Starts the Worker. Returns { mf, origin, timings, tail, stop }.
 * `timings.readyMs` is `new Miniflare()` → sockets ready (workerd started, module
 * evaluated); `firstFloorMs` / `firstHonoMs` are start → first 200 of /__floor and /api/ping.
 */
export async function startWorker({
  inspectorPort,
  bundle,
  metadata,
  assetsDir,
  stateDir,
  wrangler,
  log,
  migrate = true,
}) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  if (metadata.compatibility_date > supportedCompatibilityDate) {
    throw new Error(
      `compatibility_date ${metadata.compatibility_date} is newer than this Miniflare's workerd supports (${supportedCompatibilityDate}).`,
    );
  }
  const tail = new Tail();
  const started = performance.now();
  const { options, assetsBinding } = bindingOptions(metadata, wrangler, {
    APP_ENV: "development",
    BENCH_FLOOR: "1",
    APP_ORIGIN: origin,
    CORS_ORIGINS: origin,
    MAIL_TRANSPORT: "console",
    JWT_SECRET: "bench-jwt-secret-0123456789abcdef0123456789",
    PASSWORD_PEPPER: "bench-pepper",
  });
  const mf = new Miniflare({
    name: WORKER_NAME,
    host: "127.0.0.1",
    port,
    // Only with --profile: the V8 inspector, for CPU profiles of the Worker's isolate.
    ...(inspectorPort ? { inspectorPort } : {}),
    log: new Log(LogLevel.WARN),
    // No Internet here: do not fetch the Request.cf object.
    cf: { colo: "LOC", country: "XX", asn: 0 },
    handleRuntimeStdio(stdout, stderr) {
      tail.attach(stdout);
      tail.attach(stderr);
    },
    modulesRoot: dirname(bundle),
    modules: [{ type: "ESModule", path: bundle }],
    compatibilityDate: metadata.compatibility_date,
    compatibilityFlags: metadata.compatibility_flags,
    ...options,
    assets: {
      directory: assetsDir,
      binding: assetsBinding,
      routerConfig: {
        has_user_worker: true,
        // wrangler.toml's run_worker_first, plus the bench-only floor so the floor
        // takes the same router → Worker path as /api/* and /@* (no asset lookup first).
        static_routing: { user_worker: [...wrangler.runWorkerFirst, "/__floor", "/__floor/*"] },
      },
      assetConfig: { compatibility_date: metadata.compatibility_date },
    },
    d1Persist: join(stateDir, "d1"),
    kvPersist: join(stateDir, "kv"),
    r2Persist: join(stateDir, "r2"),
    durableObjectsPersist: join(stateDir, "do"),
    cachePersist: join(stateDir, "cache"),
  });
  const url = await mf.ready;
  const readyMs = performance.now() - started;
  const firstFloorMs = await firstOk(`${url.origin}/__floor`, started);
  const firstHonoMs = await firstOk(`${url.origin}/api/ping`, started);
  log?.(
    `  Worker up at ${origin}: sockets ready ${readyMs.toFixed(0)} ms, first /__floor ${firstFloorMs.toFixed(0)} ms, first /api/ping ${firstHonoMs.toFixed(0)} ms after start`,
  );

  const db = await mf.getD1Database("DB");
  const migrations = migrate ? await readD1Migrations("./migrations") : [];
  const t = performance.now();
  // The same bookkeeping table wrangler uses, so a kept state is not migrated twice.
  if (migrate)
    await db
      .prepare(
        "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)",
      )
      .run();
  const applied = new Set(
    migrate
      ? (await db.prepare("SELECT name FROM d1_migrations").all()).results.map((r) => r.name)
      : [],
  );
  for (const m of migrations.filter((x) => !applied.has(x.name))) {
    await db.batch([
      ...m.queries.map((q) => db.prepare(q)),
      db.prepare("INSERT INTO d1_migrations (name) VALUES (?1)").bind(m.name),
    ]);
  }
  log?.(
    `  Applied ${migrations.length} D1 migrations (${migrations.map((m) => m.name).join(", ")}) in ${(performance.now() - t).toFixed(0)} ms`,
  );

  return {
    mf,
    db,
    origin,
    tail,
    options: { ...options, bindings: redact(options.bindings) },
    timings: { readyMs, firstFloorMs, firstHonoMs },
    stop: () => mf.dispose(),
  };
}

async function firstOk(url, started, timeoutMs = 30_000) {
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs) throw new Error(`${url} never answered 200`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const redact = (bindings) =>
  Object.fromEntries(
    Object.entries(bindings).map(([k, v]) => [
      k,
      /SECRET|PEPPER|TOKEN|KEY/.test(k) ? "(test value)" : v,
    ]),
  );
