import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations from worker/db/schema.ts;
// wrangler (and the tests) apply them.
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema.ts",
  out: "./migrations",
});
