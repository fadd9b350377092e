import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { checkHealth } from "../../services/health";

export const health = new Hono<AppEnv>().get("/", async (c) => {
  const report = await checkHealth(c.env);
  c.header("Cache-Control", "no-store");
  return c.json(report, report.status === "ok" ? 200 : 503);
});
