import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { problem } from "../../lib/problem";
import { API_KEY_PREFIX, actorFromApiKey } from "../../services/api-keys";
import { actorFromAccessToken } from "../../services/auth-tokens";
import type { Actor } from "../../services/context";
import { serviceContext } from "../../services/context";
import { resolveSession, sessionTokenFrom } from "../../services/sessions";
import { isContentApiPath } from "../content-api-path";

/**
 * Works out who is calling, without requiring anyone: `Authorization: Bearer`
 * with an API key (`folio_…`) or an access token (JWT), else the session
 * cookie. A bearer credential that is present but wrong is a 401, never a
 * silent fall-back to the cookie.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const services = serviceContext(c.env, c.req.raw, c.get("requestId"), (p) =>
    c.executionCtx.waitUntil(p),
  );
  c.set("services", services);

  const authorization = c.req.header("authorization");
  if (authorization) {
    const [scheme, credential] = authorization.split(" ", 2);
    if (scheme?.toLowerCase() !== "bearer" || !credential) {
      throw problem(401, "Use `Authorization: Bearer <token>`.", {
        code: "invalid_token",
        headers: { "WWW-Authenticate": `Bearer error="invalid_request"` },
      });
    }
    c.set(
      "actor",
      credential.startsWith(API_KEY_PREFIX)
        ? await actorFromApiKey(services, credential)
        : await actorFromAccessToken(c.env, credential),
    );
    return next();
  }

  // The Content API is public and read-only: a session cookie changes none of its
  // answers (publicCache still keeps them out of shared caches), so it is not looked up.
  if (isContentApiPath(c.req.path)) return next();

  const session = await resolveSession(services, sessionTokenFrom(c.req.header("cookie")));
  if (session) {
    c.set("actor", {
      kind: "user",
      userId: session.userId,
      via: "session",
      sessionId: session.sessionId,
    });
    c.set("sessionId", session.sessionId);
  }
  return next();
});

/** The caller, or 401 when nobody is signed in. */
export function requireActor(c: { get: (key: "actor") => Actor | undefined }): Actor {
  const actor = c.get("actor");
  if (!actor) {
    throw problem(401, "Sign in, or send an access token or API key.", {
      headers: { "WWW-Authenticate": `Bearer realm="folio"` },
    });
  }
  return actor;
}

/** A signed-in person (not an API key), or 401/403. */
export function requireUser(c: { get: (key: "actor") => Actor | undefined }) {
  const actor = requireActor(c);
  if (actor.kind !== "user") throw problem(403, "This needs a signed-in person, not an API key.");
  return actor;
}
