-- Search reads the newest matches first instead of ranking every match (ADR 016).
-- post_id becomes an indexed column, so publishing finds a post's row through
-- the index instead of scanning the table; 4- and 5-character prefixes get
-- their own prefix index, so `harb*` is read lazily, newest first, like a word.
-- Rows keep their rowids (the order they were published in).
CREATE TABLE `posts_fts_copy` AS
  SELECT rowid AS rid, title, excerpt, body, tags, publication_id, post_id FROM `posts_fts`;--> statement-breakpoint
DROP TABLE `posts_fts`;--> statement-breakpoint
CREATE VIRTUAL TABLE `posts_fts` USING fts5(
  `title`,
  `excerpt`,
  `body`,
  `tags`,
  `publication_id`,
  `post_id`,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4 5'
);--> statement-breakpoint
INSERT INTO `posts_fts` (rowid, title, excerpt, body, tags, publication_id, post_id)
  SELECT rid, title, excerpt, body, tags, publication_id, post_id FROM `posts_fts_copy` ORDER BY rid;--> statement-breakpoint
DROP TABLE `posts_fts_copy`;
