import { createRequestHandler, type ServerBuild } from "@remix-run/cloudflare";
import type { Context } from "hono";
// The Remix build is produced by `npm run build` before wrangler bundles the Worker.
import * as build from "../build/server";
import type { AppEnv } from "./env";

const serverBuild = build as unknown as ServerBuild;
const handleRemixRequest = createRequestHandler(serverBuild);

/** Changes with every build: cached pages must not outlive the assets they link to. */
export const buildVersion = serverBuild.assets.version;

/** Every non-API path: the reader site and the admin app, rendered by Remix. */
export function renderRemix(c: Context<AppEnv>): Promise<Response> {
  return handleRemixRequest(c.req.raw, {
    // Hono's ExecutionContext type is a subset of the runtime's; the object is the runtime's.
    cloudflare: { env: c.env, ctx: c.executionCtx as unknown as ExecutionContext },
    requestId: c.get("requestId"),
    cspNonce: c.get("cspNonce"),
  });
}
