import { sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The FTS5 table of migrations/0003_search.sql, described for drizzle so its
 * writes can join a D1 batch. Kept out of schema.ts on purpose: drizzle-kit
 * must not try to create it as an ordinary table.
 */
export const postsFts = sqliteTable("posts_fts", {
  title: text("title").notNull(),
  excerpt: text("excerpt").notNull(),
  body: text("body").notNull(),
  tags: text("tags").notNull(),
  publicationId: text("publication_id").notNull(),
  postId: text("post_id").notNull(),
});
