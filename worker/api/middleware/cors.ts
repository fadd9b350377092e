import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { isContentApiPath } from "../content-api-path";

const ALLOW_HEADERS =
  "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-File-Name, X-Request-Id, traceparent";
const EXPOSE_HEADERS = "ETag, Location, Retry-After, X-Request-Id, Link, Server-Timing";

/**
 * CORS for /api. The Content API is public and read-only: any origin, never
 * credentials. Everything else (Admin API, auth) answers only the origins
 * configured in CORS_ORIGINS, with credentials. `*` is never paired with credentials.
 */
export const cors = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header("origin");
  const isPreflight = c.req.method === "OPTIONS" && c.req.header("access-control-request-method");
  const headers = new Headers();

  if (isContentApiPath(c.req.path)) {
    headers.set("Access-Control-Allow-Origin", "*");
    headers.set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
  } else if (origin && allowedOrigins(c.env.CORS_ORIGINS).has(origin)) {
    headers.set("Access-Control-Allow-Origin", origin);
    headers.set("Access-Control-Allow-Credentials", "true");
    headers.set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    headers.append("Vary", "Origin");
  } else {
    headers.append("Vary", "Origin");
  }

  if (isPreflight) {
    if (headers.has("Access-Control-Allow-Origin")) {
      headers.set("Access-Control-Allow-Headers", ALLOW_HEADERS);
      headers.set("Access-Control-Max-Age", "600");
    }
    return new Response(null, { status: 204, headers });
  }

  await next();
  for (const [name, value] of headers) {
    if (name === "vary") c.res.headers.append("Vary", value);
    else c.res.headers.set(name, value);
  }
  if (headers.has("Access-Control-Allow-Origin")) {
    c.res.headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
  }
});

let cachedList = "";
let cachedSet = new Set<string>();
function allowedOrigins(list: string): Set<string> {
  if (list !== cachedList) {
    cachedList = list;
    cachedSet = new Set(
      list
        .split(",")
        .map((o) => o.trim())
        .filter((o) => o && o !== "*"),
    );
  }
  return cachedSet;
}
