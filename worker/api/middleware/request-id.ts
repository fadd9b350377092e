import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";

// Accept a caller's id only if it is short and boring, so it is safe to log and echo.
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Gives every request an id (the caller's, if valid), echoed as `X-Request-Id`. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const id = incoming && VALID_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", id);
  c.set("startedAt", performance.now());
  await next();
  c.res.headers.set("X-Request-Id", id);
});
