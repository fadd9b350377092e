import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";

/** `Server-Timing: app;dur=…` so browsers' dev tools and API clients see Worker time. */
export const serverTiming = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const dur = (performance.now() - c.get("startedAt")).toFixed(1);
  c.res.headers.append("Server-Timing", `app;dur=${dur}`);
});
