import type { Hono } from "hono";
import type { AppEnv } from "../env";
import { problem } from "../lib/problem";

/**
 * After every route is registered: a known path called with a method it does
 * not serve answers 405 with an `Allow` header instead of a misleading 404.
 */
export function answerMethodNotAllowed(app: Hono<AppEnv>): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    const methods = methodsByPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
    methodsByPath.set(route.path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods, "OPTIONS"].join(", ");
    app.all(path, (c) => {
      throw problem(405, `${c.req.method} is not supported here. Use ${allow}.`, {
        headers: { Allow: allow },
      });
    });
  }
}
