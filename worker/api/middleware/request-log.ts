import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import type { Actor } from "../../services/context";

// W3C trace context: version-traceid-parentid-flags.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

// Edge-cache hits are most of the traffic and all alike: this isolate counts
// them and writes one summary line at most every HIT_SUMMARY_MS instead of a
// line each (log volume and CPU are per line). Misses and errors stay per request.
export const HIT_SUMMARY_MS = 10_000;
const hitTally = { since: 0, memory: 0, local: 0, kv: 0 };

function countHit(tier: "memory" | "local" | "kv") {
  const now = Date.now();
  if (!hitTally.since) hitTally.since = now;
  hitTally[tier]++;
  if (now - hitTally.since < HIT_SUMMARY_MS) return;
  const { memory, local, kv, since } = hitTally;
  console.log(
    JSON.stringify({
      level: "info",
      msg: "cache hits",
      count: memory + local + kv,
      by_tier: { memory, local, kv },
      since: new Date(since).toISOString(),
      until: new Date(now).toISOString(),
    }),
  );
  Object.assign(hitTally, { since: 0, memory: 0, local: 0, kv: 0 });
}

/**
 * One JSON line per request, written after the response is ready (cache hits
 * are summarized, above). The path is logged without its query string, which
 * may carry tokens or personal data.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const tier = c.get("cacheSource");
  if (tier && tier !== "miss" && c.res.status < 400) return countHit(tier);
  const traceId = TRACEPARENT.exec(c.req.header("traceparent") ?? "")?.[1];
  const durationMs = Math.round((performance.now() - c.get("startedAt")) * 100) / 100;
  console.log(
    JSON.stringify({
      level: c.res.status >= 500 ? "error" : "info",
      msg: "request",
      request_id: c.get("requestId"),
      trace_id: traceId,
      method: c.req.method,
      path: c.req.path,
      route: c.req.routePath,
      status: c.res.status,
      duration_ms: durationMs,
      actor: actorLabel(c.get("actor")),
      colo: (c.req.raw.cf as { colo?: string } | undefined)?.colo,
    }),
  );
});

const actorLabel = (actor: Actor | undefined) =>
  actor ? (actor.kind === "user" ? `user:${actor.userId}` : `key:${actor.keyId}`) : undefined;
