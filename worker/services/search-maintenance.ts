import type { Env } from "../env";

/**
 * FTS5 keeps the search index as segments; every publish adds a small one and
 * FTS5's automerge only merges them in groups. The more segments, the more a
 * query with the publication filter must seek through (measured at 100k posts:
 * 2.4 ms fragmented, 1.2 ms merged). The 15-minute sweep merges a bounded
 * amount each run, so the index converges to few segments without one long
 * write blocking D1's single writer.
 */
export const MERGE_PAGES_PER_SWEEP = 500;

export async function mergeSearchIndex(env: Env, pages = MERGE_PAGES_PER_SWEEP) {
  await env.DB.prepare("INSERT INTO posts_fts (posts_fts, rank) VALUES ('merge', ?1)")
    .bind(pages)
    .run();
}

/** Merges everything into one segment: development and benchmarks (a long write). */
export async function optimizeSearchIndex(env: Env) {
  await env.DB.prepare("INSERT INTO posts_fts (posts_fts) VALUES ('optimize')").run();
}
