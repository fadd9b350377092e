import type { HeadersFunction } from "@remix-run/cloudflare";

/**
 * Headers for pages that depend on who is asking (signed-in pages, auth forms):
 * never stored by a shared cache or the browser. Keeps a service's Retry-After.
 */
export const privatePage: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const headers = new Headers({ "Cache-Control": "private, no-store" });
  const retryAfter = actionHeaders.get("Retry-After") ?? loaderHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};
