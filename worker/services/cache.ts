import type { Env } from "../env";
import { ByteBudgetLru } from "../lib/byte-budget-lru";
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
 * Lookups go through the isolate's memory first, then the per-location Cache
 * API, then KV (global), then the origin (D1). Anything for a signed-in user or
 * a draft never comes here.
 *
 * Memory tier (ADR 015): an entry never changes under its key, so holding it in
 * the isolate needs no invalidation. What must stay fresh is the generations,
 * which an isolate re-reads from KV at most every GENERATION_TTL_MS; publishing
 * in the same isolate updates them at once. KV itself takes up to a minute to
 * show a write in other locations, so the memory adds little to that window.
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

export const GENERATION_TTL_MS = 2_000;
const MEMORY_BUDGET_BYTES = 8 * 1024 * 1024;

export const generationKey = (scope: string) => `${GEN_PREFIX}${scope}`;

interface KnownGeneration {
  gen: number;
  until: number;
}

// Per isolate: lost on eviction, rebuilt from KV on demand. Bounded, because
// scope names come from request paths and anyone can ask for made-up ones.
// Each counts as one against the bound.
const knownGenerations = new ByteBudgetLru<KnownGeneration>(10_000);

/** An entry as held in memory: its body encoded once, not on every answer. */
interface HeldEntry {
  entry: CachedEntry;
  bytes: Uint8Array<ArrayBuffer>;
}
const memoryEntries = new ByteBudgetLru<HeldEntry>(MEMORY_BUDGET_BYTES);
const encoder = new TextEncoder();

/** A scope's current generation as this isolate knows it (at most GENERATION_TTL_MS old). */
export async function generationOf(env: Env, scope: string, now = Date.now()): Promise<number> {
  const known = knownGenerations.get(scope);
  if (known && known.until > now) return known.gen;
  // Each request reads for itself: workerd refuses a request waiting on I/O
  // another request started, so an in-flight read is never shared.
  const value = await env.CACHE.get(generationKey(scope));
  // Generations only grow: a read that raced a newer remembered value loses.
  const gen = Math.max(Number(value ?? 0), knownGenerations.get(scope)?.gen ?? 0);
  knownGenerations.set(scope, { gen, until: Date.now() + GENERATION_TTL_MS }, 1);
  return gen;
}

async function generationsOf(env: Env, scopeList: string[]): Promise<string> {
  const now = Date.now();
  const values = await Promise.all(scopeList.map((s) => generationOf(env, s, now)));
  return values.join(".");
}

/** Records generations this isolate has just written, so its next reads use them. */
export function rememberGenerations(generations: Record<string, number>) {
  const until = Date.now() + GENERATION_TTL_MS;
  for (const [scope, gen] of Object.entries(generations)) {
    const newest = Math.max(gen, knownGenerations.get(scope)?.gen ?? 0);
    knownGenerations.set(scope, { gen: newest, until }, 1);
  }
}

const heldValues = new ByteBudgetLru<{ value: unknown; generation: number }>(1_000);

/**
 * A value read from D1 (e.g. a publication), held in the isolate while the
 * generation of `scope` stays the one it was read under. `null` (not found) is
 * never held: something created under that name must appear at once.
 */
export async function heldWhileCurrent<T>(
  env: Env,
  scope: string,
  load: () => Promise<T | null>,
): Promise<T | null> {
  // The generation is read before the value, so a change racing the load is seen next time.
  const generation = await generationOf(env, scope);
  const held = heldValues.get(scope);
  if (held?.generation === generation) return held.value as T;
  const value = await load();
  if (value === null) {
    heldValues.delete(scope);
    return null;
  }
  heldValues.set(scope, { value, generation }, 1);
  return value;
}

/** Forgets this isolate's memory tier (tests, and nothing else, need a cold isolate). */
export function forgetMemoryTier() {
  knownGenerations.clear();
  memoryEntries.clear();
  heldValues.clear();
}

function remember(key: string, entry: CachedEntry): Uint8Array<ArrayBuffer> | undefined {
  // 404s stay out of memory: only the other tiers enforce their short TTL.
  if (entry.status === 404) return undefined;
  const bytes = encoder.encode(entry.body);
  // The string (UTF-16 in V8: two bytes a character), its bytes, a little for headers.
  memoryEntries.set(key, { entry, bytes }, entry.body.length * 2 + bytes.length + 512);
  return bytes;
}

/** The cache-key for a request path under the current generations of its scopes. */
export async function cacheKey(env: Env, scopeList: string[], path: string): Promise<string> {
  const key = `${ENTRY_PREFIX}${path}#${await generationsOf(env, scopeList)}`;
  // KV keys are at most 512 bytes; long paths (cursors, queries) are hashed.
  return key.length <= 400 ? key : `${ENTRY_PREFIX}h:${await sha256Hex(key)}`;
}

// The DOM lib's CacheStorage type (needed by the Remix client) hides workerd's `caches.default`.
export const localCache = () => (caches as unknown as { default: Cache }).default;

const localUrl = (key: string) => `https://cache.folio.internal/${encodeURIComponent(key)}`;

export interface CacheOutcome {
  entry: CachedEntry;
  /** The body, encoded, when the entry is held in memory (answer with this, not `entry.body`). */
  bytes?: Uint8Array<ArrayBuffer>;
  /** "memory" (this isolate), "local" (Cache API), "kv", or "miss" (produced now). */
  source: "memory" | "local" | "kv" | "miss";
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
  const inMemory = memoryEntries.get(key);
  if (inMemory) return { entry: inMemory.entry, bytes: inMemory.bytes, source: "memory" };

  const local = await localCache().match(localUrl(key));
  if (local) {
    const entry = { status: local.status, headers: headersOf(local), body: await local.text() };
    remember(key, entry);
    return { entry, source: "local" };
  }
  const stored = await env.CACHE.get<CachedEntry>(key, "json");
  if (stored) {
    remember(key, stored);
    waitUntil(putLocal(key, stored));
    return { entry: stored, source: "kv" };
  }
  const entry = await produce();
  if (entry.store !== false && [200, 301, 404].includes(entry.status)) {
    const ttl = entry.status === 404 ? 60 : ENTRY_TTL_SECONDS;
    remember(key, entry);
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
  rememberGenerations(generations);
  await Promise.all(
    Object.entries(generations).map(([scope, gen]) =>
      env.CACHE.put(generationKey(scope), String(gen)),
    ),
  );
}
