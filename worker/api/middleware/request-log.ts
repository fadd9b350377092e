import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import type { Actor } from "../../services/context";

// W3C trace context: version-traceid-parentid-flags.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * One JSON line per request, written after the response is ready. The path is
 * logged without its query string, which may carry tokens or personal data.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  await next();
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
