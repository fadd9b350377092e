/**
 * API paths are case-insensitive and ignore a trailing slash, so `/API/v1/Auth/Login/`
 * reaches the same route (and the same rate-limit bucket) as `/api/v1/auth/login`.
 * Ids and slugs in API paths are lower-case by construction.
 */
export function normalizeApiPath(request: Request): Request {
  const url = new URL(request.url);
  const path = url.pathname;
  if (!/^\/api(\/|$)/i.test(path)) return request;
  let normalized = path.toLowerCase();
  if (normalized.length > 1 && normalized.endsWith("/"))
    normalized = normalized.replace(/\/+$/, "");
  if (normalized === path) return request;
  url.pathname = normalized;
  return new Request(url, request);
}
