ALTER TABLE `tags` ADD `post_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Backfill from the live posts.
UPDATE `tags` SET `post_count` = (SELECT count(*) FROM `published_post_tags` t WHERE t.`tag_id` = `tags`.`id`);
