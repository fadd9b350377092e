import { normalizeApiPath } from "./api/normalize-path";
import { app } from "./app";
import type { Env } from "./env";
import { consumeEvents } from "./queue";
import { runScheduled } from "./scheduled";
import { localCache } from "./services/cache";

export { PublicationHub } from "../durable-objects/publication-hub";
export { RateLimiter } from "../durable-objects/rate-limiter";

export default {
  fetch(request, env, ctx) {
    // Benchmark floor: answers before any framework code. Only the bench
    // configuration sets BENCH_FLOOR; in every wrangler environment it is unset.
    if (env.BENCH_FLOOR === "1" && request.url.includes("/__floor")) {
      const path = new URL(request.url).pathname;
      if (path === "/__floor") return new Response("ok");
      // What one round trip to a binding costs on this runtime, for the report.
      if (path === "/__floor/d1") return benchD1Floor(env);
      if (path === "/__floor/kv") return benchKvFloor(env);
      if (path === "/__floor/kv-put") return benchKvPutFloor(env);
      if (path === "/__floor/cache") return benchCacheFloor();
    }
    return app.fetch(normalizeApiPath(request), env, ctx);
  },
  queue: (batch, env) => consumeEvents(batch, env),
  scheduled: (controller, env, ctx) => runScheduled(controller, env, ctx),
} satisfies ExportedHandler<Env, unknown>;

async function benchD1Floor(env: Env) {
  const row = await env.DB.prepare("SELECT 1 AS ok").first<{ ok: number }>();
  return new Response(row?.ok === 1 ? "ok" : "no");
}

async function benchKvFloor(env: Env) {
  const value = await env.CACHE.get("bench:floor");
  return new Response(value ?? "ok");
}

// A cache miss also stores the page: one KV write and one Cache API write.
async function benchKvPutFloor(env: Env) {
  await env.CACHE.put(`bench:floor:${crypto.randomUUID()}`, "x".repeat(2048), {
    expirationTtl: 60,
  });
  return new Response("ok");
}

async function benchCacheFloor() {
  const cache = localCache();
  const url = `https://bench.folio.internal/${crypto.randomUUID()}`;
  await cache.put(
    url,
    new Response("x".repeat(2048), { headers: { "cache-control": "max-age=60" } }),
  );
  const hit = await cache.match(url);
  return new Response(hit ? "ok" : "no");
}
