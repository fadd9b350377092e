import type { AppLoadContext } from "@remix-run/cloudflare";
import { type ServiceContext, serviceContext } from "../../worker/services/context";

/**
 * The application layer's context for a Remix loader or action: the same
 * services the API calls, with the same bindings and request facts.
 */
export function servicesFor(request: Request, context: AppLoadContext): ServiceContext {
  const { env, ctx } = context.cloudflare;
  return serviceContext(env, request, context.requestId, (p) => ctx.waitUntil(p));
}
