import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with the bindings of wrangler.toml (real local D1,
// KV, R2, Durable Objects and queues). Kept apart from vite.config.ts so the
// Remix plugin is not loaded here; the Remix server build is imported pre-built.
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          APP_ENV: "test",
          JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789",
          PASSWORD_PEPPER: "test-pepper",
          TEST_MIGRATIONS: migrations,
        },
      },
    }),
  ],
  test: {
    setupFiles: ["./test/setup.ts"],
    include: [
      "test/**/*.test.ts",
      "worker/**/*.test.ts",
      "app/**/*.test.ts",
      "durable-objects/**/*.test.ts",
    ],
    silent: "passed-only",
    // Password hashing is deliberately slow; a loaded 2-core CI machine needs room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: [
            "@remix-run/cloudflare",
            "@remix-run/server-runtime",
            "cookie",
            "set-cookie-parser",
          ],
        },
      },
    },
  },
});
