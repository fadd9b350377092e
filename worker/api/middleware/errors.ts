import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../../env";
import { ProblemError, type ProblemStatus, problemResponse, problemTypes } from "../../lib/problem";

/**
 * The one place errors become responses. Known errors keep their status and
 * code; anything else is logged with its stack on the server and answered as a
 * bare 500, so stack traces, SQL and secrets never reach a client.
 */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const requestId = c.get("requestId");
  if (err instanceof ProblemError) return problemResponse(err.init, requestId);

  if (err instanceof HTTPException) {
    const status = (err.status in problemTypes ? err.status : 400) as ProblemStatus;
    // Hono's own messages (e.g. "Malformed JSON in request body") are safe to show.
    const code = /json/i.test(err.message) ? "invalid_json" : undefined;
    return problemResponse({ status, detail: err.message || undefined, code }, requestId);
  }

  console.error(
    JSON.stringify({
      level: "error",
      msg: "unhandled error",
      request_id: requestId,
      path: c.req.path,
      error:
        err instanceof Error
          ? { name: err.name, message: err.message, stack: err.stack }
          : String(err),
    }),
  );
  return problemResponse({ status: 500, detail: "Something went wrong on our side." }, requestId);
};

export const apiNotFound: NotFoundHandler<AppEnv> = (c: Context<AppEnv>) =>
  problemResponse(
    { status: 404, detail: `No API route matches ${c.req.method} ${c.req.path}.` },
    c.get("requestId"),
  );
