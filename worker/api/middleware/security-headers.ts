import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";

function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** CSP for HTML pages: scripts only from us or carrying this response's nonce. */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: https:",
    "media-src 'self' https:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src https://www.youtube-nocookie.com https://player.vimeo.com",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

// JSON, feeds and media never need to run or embed anything.
const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/**
 * Security headers on every response. The nonce is created before the handler
 * runs so Remix can put it on its inline scripts.
 */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  const nonce = newNonce();
  c.set("cspNonce", nonce);
  await next();

  // Responses from the assets binding or caches can be immutable: copy first.
  if (!isMutable(c.res.headers)) c.res = new Response(c.res.body, c.res);
  const h = c.res.headers;
  const isHtml = (h.get("content-type") ?? "").startsWith("text/html");
  h.set("Content-Security-Policy", isHtml ? pageCsp(nonce) : NON_PAGE_CSP);
  h.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload");
  h.set("X-Content-Type-Options", "nosniff");
  h.set("Referrer-Policy", "strict-origin-when-cross-origin");
  h.set("X-Frame-Options", "DENY");
  h.set("Cross-Origin-Opener-Policy", "same-origin");
  h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
});

function isMutable(headers: Headers): boolean {
  try {
    headers.set("X-Folio", "1");
    headers.delete("X-Folio");
    return true;
  } catch {
    return false;
  }
}
