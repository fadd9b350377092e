/** The public, read-only Content API: any origin, no credentials, no session lookups. */
export const isContentApiPath = (path: string) => /^\/api\/v1\/content(\/|$)/.test(path);
