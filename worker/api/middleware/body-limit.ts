import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { problem } from "../../lib/problem";

interface BodyLimitOptions {
  /** Bytes; defaults to the MAX_BODY_BYTES variable. */
  maxBytes?: number;
  /** Paths that enforce their own (larger) limit, e.g. media uploads. */
  except?: RegExp;
}

/**
 * Refuses request bodies above the limit with 413. A declared Content-Length is
 * checked before anything is read; a body without one (chunked) is counted while
 * streaming and cut off at the limit, so a lying client cannot make us buffer more.
 */
export const bodyLimit = (options: BodyLimitOptions = {}) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body || options.except?.test(c.req.path)) return next();
    const limit = options.maxBytes ?? Number(c.env.MAX_BODY_BYTES || 1_048_576);

    const declared = raw.headers.get("content-length");
    if (declared !== null) {
      if (Number(declared) > limit) throw tooLarge(limit);
      return next();
    }

    let seen = 0;
    const counted = raw.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > limit) controller.error(new Error("body too large"));
          else controller.enqueue(chunk);
        },
      }),
    );
    c.req.raw = new Request(raw, { body: counted, duplex: "half" } as RequestInit);
    await next();
    // Whatever the handler made of the truncated body, the answer is 413.
    if (seen > limit) throw tooLarge(limit);
  });

const tooLarge = (limit: number) => problem(413, `Request bodies are limited to ${limit} bytes.`);
