#!/usr/bin/env node
// `npm run dev`: build, apply local migrations, start `wrangler dev`, seed demo
// data (idempotent) and print where to go and how to sign in. No prompts.
import { seedDemo, startDevServer } from "./lib/dev-server.mjs";

const port = Number(process.env.PORT ?? 8787);

try {
  const server = await startDevServer({ port });
  const shutdown = (code) => {
    server.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => shutdown(130));
  process.on("SIGTERM", () => shutdown(143));
  server.child.on("exit", (code) => process.exit(code ?? 0));

  const demo = await seedDemo(server.origin, console.log);
  console.log(`
────────────────────────────────────────────────────────────
  Folio is running at ${server.origin}
  Demo login:  ${demo.email}  /  ${demo.password}
  Dev mail:    ${server.origin}/dev/mail
  Health:      ${server.origin}/api/health
  Press Ctrl+C to stop.
────────────────────────────────────────────────────────────
`);
} catch (err) {
  console.error(`\n✗ ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
