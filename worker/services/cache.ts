import type { Env } from "../env";
import { sha256Hex } from "../lib/crypto";

/**
 * Edge cache for public, published content.
 *
 * Every cached entry belongs to one or more scopes (a post, a publication's
 * lists, a tag, an author). Each scope has a generation number held by the
 * publication's `PublicationHub` Durable Object and mirrored to KV; the cache
 * key includes the generations of its scopes. Publishing bumps exactly the
 * scopes it affects, so their old entries are never read again and simply
 * expire: no listing or sweeping of KV keys, whose listings lag.
 *
 * Lookups go through the per-location Cache API first, then KV (global), then
 * the origin (D1). Anything for a signed-in user or a draft never comes here.
 */

export const scopes = {
  publication: (pub: string) => `pub:${pub}`,
  post: (pub: string, slug: string) => `post:${pub}:${slug}`,
  lists: (pub: string) => `lists:${pub}`,
  tag: (pub: string, tag: string) => `tag:${pub}:${tag}`,
  author: (pub: string, handle: string) => `author:${pub}:${handle}`,
};

export interface CachedEntry {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Set by the producer when this answer must not be kept (e.g. it sets a cookie). */
  store?: false;
}

const GEN_PREFIX = "gen:";
const ENTRY_PREFIX = "c:";
// Old generations are unreachable at once; TTLs only bound storage.
const ENTRY_TTL_SECONDS = 7 * 24 * 3600;
const LOCAL_TTL_SECONDS = 300;

export const generationKey = (scope: string) => `${GEN_PREFIX}${scope}`;

async function generationsOf(env: Env, scopeList: string[]): Promise<string> {
  const values = await Promise.all(scopeList.map((s) => env.CACHE.get(generationKey(s))));
  return values.map((v) => v ?? "0").join(".");
}

/** The cache-key for a request path under the current generations of its scopes. */
export async function cacheKey(env: Env, scopeList: string[], path: string): Promise<string> {
  const key = `${ENTRY_PREFIX}${path}#${await generationsOf(env, scopeList)}`;
  // KV keys are at most 512 bytes; long paths (cursors, queries) are hashed.
  return key.length <= 400 ? key : `${ENTRY_PREFIX}h:${await sha256Hex(key)}`;
}

// The DOM lib's CacheStorage type (needed by the Remix client) hides workerd's `caches.default`.
const localCache = () => (caches as unknown as { default: Cache }).default;

const localUrl = (key: string) => `https://cache.folio.internal/${encodeURIComponent(key)}`;

export interface CacheOutcome {
  entry: CachedEntry;
  /** "local" (Cache API), "kv", or "miss" (produced now). */
  source: "local" | "kv" | "miss";
}

/**
 * Serves an entry from cache, or produces it and stores it (in the background)
 * when it is cacheable: 200 answers, and 404s briefly so a storm of requests
 * for a missing page does not reach D1.
 */
export async function throughCache(
  env: Env,
  waitUntil: (p: Promise<unknown>) => void,
  scopeList: string[],
  path: string,
  produce: () => Promise<CachedEntry>,
): Promise<CacheOutcome> {
  const key = await cacheKey(env, scopeList, path);
  const local = await localCache().match(localUrl(key));
  if (local) {
    return {
      entry: { status: local.status, headers: headersOf(local), body: await local.text() },
      source: "local",
    };
  }
  const stored = await env.CACHE.get<CachedEntry>(key, "json");
  if (stored) {
    waitUntil(putLocal(key, stored));
    return { entry: stored, source: "kv" };
  }
  const entry = await produce();
  if (entry.store !== false && [200, 301, 404].includes(entry.status)) {
    const ttl = entry.status === 404 ? 60 : ENTRY_TTL_SECONDS;
    waitUntil(
      Promise.all([
        env.CACHE.put(key, JSON.stringify(entry), { expirationTtl: ttl }),
        putLocal(key, entry),
      ]),
    );
  }
  return { entry, source: "miss" };
}

function putLocal(key: string, entry: CachedEntry) {
  const headers = new Headers(entry.headers);
  headers.set("Cache-Control", `public, max-age=${entry.status === 200 ? LOCAL_TTL_SECONDS : 30}`);
  return localCache().put(
    localUrl(key),
    new Response(entry.body, { status: entry.status, headers }),
  );
}

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name !== "cache-control" && name !== "content-length") out[name] = value;
  });
  return out;
}

/** Writes bumped generations to KV (called by the PublicationHub after it stored them). */
export async function mirrorGenerations(env: Env, generations: Record<string, number>) {
  await Promise.all(
    Object.entries(generations).map(([scope, gen]) =>
      env.CACHE.put(generationKey(scope), String(gen)),
    ),
  );
}
