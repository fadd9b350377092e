import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { problem } from "../../lib/problem";
import { bulkSeed, bulkSeedInput } from "../../services/bulk-seed";
import { seedDemo } from "../../services/demo-seed";
import { optimizeSearchIndex } from "../../services/search-maintenance";
import { validate } from "../validate";

/**
 * Development-only endpoints. They answer 404 unless APP_ENV is development or
 * test, so staging and production deployments do not have them at all.
 */
export const dev = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    if (c.env.APP_ENV !== "development" && c.env.APP_ENV !== "test") {
      throw problem(404, `No API route matches ${c.req.method} ${c.req.path}.`);
    }
    return next();
  })
  .post("/seed", async (c) => c.json(await seedDemo(c.get("services"))))
  .post("/seed/bulk", validate("json", bulkSeedInput), async (c) =>
    c.json(await bulkSeed(c.get("services"), c.req.valid("json"))),
  )
  // After a bulk seed: the merged index the 15-minute sweep converges to.
  .post("/search/optimize", async (c) => {
    await optimizeSearchIndex(c.env);
    return c.json({ optimized: true });
  });
