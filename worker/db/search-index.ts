import { type SQL, sql } from "drizzle-orm";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The FTS5 table of migrations/0003_search.sql (rebuilt by 0006), described for
 * drizzle so its writes can join a D1 batch. Kept out of schema.ts on purpose:
 * drizzle-kit must not try to create it as an ordinary table.
 */
export const postsFts = sqliteTable("posts_fts", {
  title: text("title").notNull(),
  excerpt: text("excerpt").notNull(),
  body: text("body").notNull(),
  tags: text("tags").notNull(),
  publicationId: text("publication_id").notNull(),
  postId: text("post_id").notNull(),
});

/** FTS5 phrase for an id: ids are our own UUIDs, quotes are stripped all the same. */
export const idPhrase = (id: string) => `"${id.replace(/"/g, "")}"`;

/**
 * The search row of a post, found through the index (`post_id` is an indexed
 * column): a plain `post_id = ?` would scan every row of the table.
 */
export const searchRowOf = (postId: string): SQL =>
  sql`posts_fts MATCH ${`post_id : ${idPhrase(postId)}`}`;
