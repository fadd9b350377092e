import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { problem } from "../../lib/problem";
import { SESSION_COOKIE } from "../../services/sessions";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for cookie-authenticated writes (API and Remix actions alike):
 * the browser must say the request comes from our own origin (or one listed in
 * CORS_ORIGINS). Requests authenticated with a bearer header carry no ambient
 * credential and are not checked.
 */
export const sameOriginWrites = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE_METHODS.has(c.req.method) || c.req.header("authorization")) return next();
  if (!(c.req.header("cookie") ?? "").includes(`${SESSION_COOKIE}=`)) return next();

  const origin = c.req.header("origin");
  const ownOrigin = new URL(c.req.url).origin;
  const allowed =
    origin !== undefined && origin !== "null"
      ? origin === ownOrigin ||
        origin === c.env.APP_ORIGIN ||
        c.env.CORS_ORIGINS.split(",").some((o) => o.trim() === origin)
      : c.req.header("sec-fetch-site") === "same-origin";
  if (!allowed) {
    throw problem(403, "Cross-origin requests with a session cookie are not accepted.", {
      code: "cross_origin_request",
    });
  }
  return next();
});
