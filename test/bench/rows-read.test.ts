// Structural performance check, independent of timing: the public read queries
// read a bounded number of rows (D1's `meta.rows_read`) however many posts a
// publication has. Runs the real service functions of worker/services/reading.ts;
// a recording D1 wrapper re-runs each statement they execute, with the same SQL
// and parameters, through `.all()` to read its meta (drizzle does not expose it).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../worker/db/client";
import { encodeCursor } from "../../worker/lib/cursor";
import { bulkSeed, RARE_TERM } from "../../worker/services/bulk-seed";
import { forgetMemoryTier } from "../../worker/services/cache";
import { type ServiceContext, serviceContext } from "../../worker/services/context";
import {
  getPublishedPost,
  listPublished,
  listTags,
  type PublicPublication,
  requirePublication,
  searchPublished,
} from "../../worker/services/reading";

const POSTS = 3_000;
const BATCH = 500;
const LIMIT = 15;
// Per statement: the page (limit + 1 rows), its joined rows, and index seeks.
const BOUND = 3 * (LIMIT + 1) + 10;
// Search reads two lists (title/tag matches, then all matches, twice the page)
// joined to posts and authors: three rows per result, plus index pages.
const SEARCH_LIMIT = 20;
const SEARCH_BOUND = 3 * 2 * SEARCH_LIMIT + 30;

interface Executed {
  sql: string;
  rowsRead: number;
  rowsReturned: number;
}

/** D1 that remembers rows_read of every statement run through it. */
function recordingD1(db: D1Database, log: Executed[]): D1Database {
  const originals = new WeakMap<D1PreparedStatement, { stmt: D1PreparedStatement; sql: string }>();
  const probe = async (stmt: D1PreparedStatement, sql: string) => {
    const result = await stmt.all();
    log.push({ sql, rowsRead: result.meta.rows_read, rowsReturned: result.results.length });
  };
  const wrap = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") {
          return (...params: unknown[]) => wrap(target.bind(...params), sql);
        }
        if (prop === "all" || prop === "raw" || prop === "first" || prop === "run") {
          return async (...args: unknown[]) => {
            await probe(target, sql);
            // biome-ignore lint/suspicious/noExplicitAny: forwarding to the real method
            return (target as any)[prop](...args);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    originals.set(proxy, { stmt, sql });
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const real = statements.map((s) => originals.get(s)!);
          for (const { stmt, sql } of real) await probe(stmt, sql);
          return target.batch(real.map((r) => r.stmt));
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const slug = `rows-${crypto.randomUUID().slice(0, 8)}`;
let pub: PublicPublication;
let log: Executed[];
let ctx: ServiceContext;

/** Runs one service call and returns what each of its statements read. */
async function reads<T>(fn: () => Promise<T>): Promise<{ result: T; statements: Executed[] }> {
  log.length = 0;
  const result = await fn();
  return { result, statements: [...log] };
}

function expectBounded(statements: Executed[], bound = BOUND) {
  expect(statements.length).toBeGreaterThan(0);
  for (const s of statements) {
    expect(
      s.rowsRead,
      `rows_read ${s.rowsRead} (returned ${s.rowsReturned}) for: ${s.sql}`,
    ).toBeLessThanOrEqual(bound);
  }
}

beforeAll(async () => {
  const seedCtx = serviceContext(env, new Request("http://x"), "t", () => {});
  for (let start = 0; start < POSTS; start += BATCH) {
    await bulkSeed(seedCtx, { publication: slug, count: BATCH, start });
  }
  log = [];
  ctx = { ...seedCtx, db: database(recordingD1(env.DB, log)) };
  pub = await requirePublication(ctx, slug);
}, 120_000);

describe(`rows read per query at ${POSTS.toLocaleString("en")} posts`, () => {
  it("the table really is that big (the bounds below are far smaller)", async () => {
    const row = await env.DB.prepare(
      "SELECT count(*) AS n FROM published_posts WHERE publication_id = ?1",
    )
      .bind(pub.id)
      .first<{ n: number }>();
    expect(row?.n).toBe(POSTS);
    expect(BOUND * 10).toBeLessThan(POSTS);
  });

  it("publication lookup by slug: one small read, then none while it is unchanged", async () => {
    forgetMemoryTier();
    const { statements } = await reads(() => requirePublication(ctx, slug));
    expectBounded(statements, 5);
    const again = await reads(() => requirePublication(ctx, slug));
    expect(again.statements).toHaveLength(0);
  });

  it("post by slug", async () => {
    const { result, statements } = await reads(() => getPublishedPost(ctx, pub, "post-1234"));
    expect(result && "post" in result && result.post.slug).toBe("post-1234");
    expectBounded(statements, 5);
  });

  it("list, first page", async () => {
    const { result, statements } = await reads(() => listPublished(ctx, pub, { limit: LIMIT }));
    expect(result.data).toHaveLength(LIMIT);
    expect(result.data[0]?.slug).toBe("post-0");
    expectBounded(statements);
  });

  it("list, a cursor 90% deep", async () => {
    const deep = await env.DB.prepare(
      `SELECT published_at, post_id FROM published_posts WHERE publication_id = ?1
       ORDER BY published_at DESC, post_id DESC LIMIT 1 OFFSET ?2`,
    )
      .bind(pub.id, Math.floor(POSTS * 0.9))
      .first<{ published_at: string; post_id: string }>();
    const cursor = encodeCursor(deep!.published_at, deep!.post_id);
    const { result, statements } = await reads(() =>
      listPublished(ctx, pub, { limit: LIMIT, cursor }),
    );
    expect(result.data).toHaveLength(LIMIT);
    expect(result.data[0]?.slug).toBe(`post-${Math.floor(POSTS * 0.9) + 1}`);
    expectBounded(statements);
  });

  it("list by tag, first page", async () => {
    const { result, statements } = await reads(() =>
      listPublished(ctx, pub, { limit: LIMIT, tag: "engineering" }),
    );
    expect(result.data).toHaveLength(LIMIT);
    expectBounded(statements);
  });

  it("list by tag, a cursor 90% deep", async () => {
    const tagged = await env.DB.prepare(
      `SELECT t.published_at, t.post_id, (SELECT count(*) FROM published_post_tags c
         WHERE c.publication_id = t.publication_id AND c.tag_id = t.tag_id) AS n
       FROM published_post_tags t JOIN tags g ON g.id = t.tag_id
       WHERE t.publication_id = ?1 AND g.slug = 'engineering'
       ORDER BY t.published_at DESC, t.post_id DESC LIMIT 1 OFFSET ?2`,
    )
      .bind(pub.id, Math.floor((POSTS * 2 * 0.9) / 10))
      .first<{ published_at: string; post_id: string; n: number }>();
    expect(tagged!.n).toBeGreaterThan(BOUND * 4);
    const cursor = encodeCursor(tagged!.published_at, tagged!.post_id);
    const { result, statements } = await reads(() =>
      listPublished(ctx, pub, { limit: LIMIT, tag: "engineering", cursor }),
    );
    expect(result.data).toHaveLength(LIMIT);
    expectBounded(statements);
  });

  it("tag list with post counts", async () => {
    const { result, statements } = await reads(() => listTags(ctx, pub));
    expect(result.length).toBe(10);
    expectBounded(statements);
  });

  // Rare, common and prefix terms: newest matches are read first and reading
  // stops at the page, however many posts match.
  for (const q of [RARE_TERM, "edge", "harb*", "edge harbor"]) {
    it(`search: ${q}`, async () => {
      const { result, statements } = await reads(() =>
        searchPublished(ctx, pub, { q, limit: SEARCH_LIMIT }),
      );
      expect(result.data.length).toBeGreaterThan(0);
      expectBounded(statements, SEARCH_BOUND);
    });
  }
});
