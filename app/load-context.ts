import type { Env } from "../worker/env";

// What the Worker hands every Remix loader and action (see worker/remix.ts).
declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: { env: Env; ctx: ExecutionContext };
    requestId: string;
    cspNonce: string;
  }
}
