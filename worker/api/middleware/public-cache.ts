import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { sha256Hex } from "../../lib/crypto";
import { buildVersion } from "../../remix";
import { type CachedEntry, scopes, throughCache } from "../../services/cache";
import { SESSION_COOKIE } from "../../services/sessions";

const STORED_HEADERS = [
  "content-type",
  "etag",
  "last-modified",
  "location",
  "link",
  "content-language",
];
const EDGE_CACHE_CONTROL = "public, max-age=60, s-maxage=300, stale-while-revalidate=600";

/**
 * Which cache scopes a public path belongs to; null when it is not cacheable.
 * The publication scope (`pub:`) is in every key so a settings change retires
 * the whole publication's pages.
 */
export function scopesForPath(path: string, params: URLSearchParams): string[] | null {
  const api =
    /^\/api\/v1\/content\/([a-z0-9-]{1,48})(?:\/(posts|tags|authors|search)(?:\/([a-z0-9-]{1,120}))?)?$/.exec(
      path,
    );
  const site = /^\/@([a-z0-9-]{1,48})(?:\/(.{0,200}))?$/.exec(path);
  const pub = api?.[1] ?? site?.[1];
  if (!pub) return null;
  const base = [scopes.publication(pub)];

  if (api) {
    const [, , section, slug] = api;
    if (section === "posts" && slug) return [...base, scopes.post(pub, slug)];
    const tag = params.get("tag");
    const author = params.get("author");
    // Scope names become KV keys (512 bytes at most): long values are not cacheable.
    if ((tag && tag.length > 60) || (author && author.length > 40)) return null;
    if (section === "posts" && tag) return [...base, scopes.tag(pub, tag)];
    if (section === "posts" && author) return [...base, scopes.author(pub, author)];
    return [...base, scopes.lists(pub)];
  }
  const rest = (site?.[2] ?? "").replace(/\/$/, "");
  if (rest === "" || /^(feed\.xml|rss\.xml|sitemap\.xml|llms\.txt|search|tags)$/.test(rest)) {
    return [...base, scopes.lists(pub)];
  }
  const tag = /^tag\/([a-z0-9-]{1,60})(\/(feed\.xml|rss\.xml))?$/.exec(rest);
  if (tag) return [...base, scopes.tag(pub, tag[1]!)];
  const author = /^author\/([a-z0-9-]{1,40})(\/(feed\.xml|rss\.xml))?$/.exec(rest);
  if (author) return [...base, scopes.author(pub, author[1]!)];
  const post = /^([a-z0-9-]{1,120})(\.md)?$/.exec(rest);
  if (post) return [...base, scopes.post(pub, post[1]!)];
  return null;
}

/** The query parameters each kind of public path actually reads; others never reach the key. */
function paramsFor(path: string): readonly string[] {
  if (path.endsWith("/search")) return ["q", "limit"];
  if (/^\/api\/v1\/content\/[^/]+\/posts$/.test(path)) return ["cursor", "limit", "tag", "author"];
  if (/\/(feed|rss)\.xml$/.test(path)) return ["summary"];
  if (/^\/@[^/]+(\/(tag|author)\/[^/]+)?\/?$/.test(path)) return ["cursor"];
  return [];
}

function keyFor(path: string, params: URLSearchParams): string {
  const kept = paramsFor(path)
    .filter((k) => params.has(k))
    .map((k) => `${k}=${encodeURIComponent(params.get(k)!)}`);
  // The build version retires cached HTML whose hashed asset URLs a deploy replaced.
  return `${buildVersion}:${kept.length ? `${path}?${kept.join("&")}` : path}`;
}

const isPersonal = (req: Request) =>
  req.headers.has("authorization") ||
  (req.headers.get("cookie") ?? "").includes(`${SESSION_COOKIE}=`);

/**
 * Serves public reads (Content API, reader pages, feeds) from the edge cache
 * and stores what the origin produced. Requests that carry a session cookie or
 * credentials are never served from or written to the cache, and their answers
 * are marked private.
 */
export const publicCache = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
  const url = new URL(c.req.url);
  const scopeList = scopesForPath(url.pathname, url.searchParams);
  if (!scopeList) return next();
  if (isPersonal(c.req.raw)) {
    await next();
    c.res.headers.set("Cache-Control", "private, no-store");
    return;
  }

  const { entry, bytes, source } = await throughCache(
    c.env,
    (p) => c.executionCtx.waitUntil(p),
    scopeList,
    keyFor(url.pathname, url.searchParams),
    async (): Promise<CachedEntry> => {
      await next();
      const res = c.res;
      const storable = [200, 301, 404].includes(res.status) && !res.headers.has("set-cookie");
      const body = await res.text();
      const headers: Record<string, string> = {};
      for (const name of STORED_HEADERS) {
        const value = res.headers.get(name);
        if (value) headers[name] = value;
      }
      if (res.status === 200 && !headers.etag)
        headers.etag = `"${(await sha256Hex(body)).slice(0, 32)}"`;
      return { status: res.status, headers, body, ...(storable ? {} : { store: false }) };
    },
  );

  c.set("cacheSource", source);
  const headers = new Headers(entry.headers);
  headers.set(
    "Cache-Control",
    entry.status === 200 || entry.status === 301 ? EDGE_CACHE_CONTROL : "public, max-age=30",
  );
  headers.set("X-Cache", source === "miss" ? "MISS" : "HIT");
  headers.append("Server-Timing", `cache;desc=${source}`);
  const etag = entry.headers.etag;
  if (
    etag &&
    c.req
      .header("if-none-match")
      ?.split(/\s*,\s*/)
      .includes(etag)
  ) {
    c.res = new Response(null, { status: 304, headers });
    return;
  }
  c.res = new Response(c.req.method === "HEAD" ? null : (bytes ?? entry.body), {
    status: entry.status,
    headers,
  });
});
