import { normalizeApiPath } from "./api/normalize-path";
import { app } from "./app";
import type { Env } from "./env";
import { consumeEvents } from "./queue";
import { runScheduled } from "./scheduled";

export { PublicationHub } from "../durable-objects/publication-hub";
export { RateLimiter } from "../durable-objects/rate-limiter";

export default {
  fetch(request, env, ctx) {
    // Benchmark floor: answers before any framework code. Only the bench
    // configuration sets BENCH_FLOOR; in every wrangler environment it is unset.
    if (env.BENCH_FLOOR === "1" && new URL(request.url).pathname === "/__floor") {
      return new Response("ok");
    }
    return app.fetch(normalizeApiPath(request), env, ctx);
  },
  queue: (batch, env) => consumeEvents(batch, env),
  scheduled: (controller, env, ctx) => runScheduled(controller, env, ctx),
} satisfies ExportedHandler<Env, unknown>;
