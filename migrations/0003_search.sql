-- Full-text search over published posts (SQLite FTS5). Maintained by the
-- publishing service in the same batch as published_posts, so the index never
-- holds drafts. publication_id is an indexed column so a search is restricted
-- to one publication inside the index itself, not filtered afterwards.
CREATE VIRTUAL TABLE `posts_fts` USING fts5(
  `title`,
  `excerpt`,
  `body`,
  `tags`,
  `publication_id`,
  `post_id` UNINDEXED,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
