CREATE TABLE `post_revisions` (
	`post_id` text NOT NULL,
	`version` integer NOT NULL,
	`title` text NOT NULL,
	`slug` text NOT NULL,
	`excerpt` text NOT NULL,
	`body_markdown` text NOT NULL,
	`tags` text NOT NULL,
	`feature_media_id` text,
	`author_id` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`post_id`, `version`),
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `posts` (
	`id` text PRIMARY KEY NOT NULL,
	`publication_id` text NOT NULL,
	`author_id` text NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`excerpt` text DEFAULT '' NOT NULL,
	`body_markdown` text DEFAULT '' NOT NULL,
	`body_html` text DEFAULT '' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`feature_media_id` text,
	`reading_minutes` integer DEFAULT 1 NOT NULL,
	`word_count` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`published_version` integer,
	`published_at` text,
	`scheduled_at` text,
	`schedule_result` text,
	`locale` text DEFAULT 'en' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`publication_id`) REFERENCES `publications`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `posts_publication_slug_unique` ON `posts` (`publication_id`,`slug`);--> statement-breakpoint
CREATE INDEX `posts_publication_updated_idx` ON `posts` (`publication_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `posts_publication_status_idx` ON `posts` (`publication_id`,`status`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `posts_publication_author_idx` ON `posts` (`publication_id`,`author_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `published_post_tags` (
	`publication_id` text NOT NULL,
	`tag_id` text NOT NULL,
	`post_id` text NOT NULL,
	`published_at` text NOT NULL,
	PRIMARY KEY(`tag_id`, `post_id`),
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`post_id`) REFERENCES `published_posts`(`post_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `published_tag_list_idx` ON `published_post_tags` (`publication_id`,`tag_id`,`published_at`,`post_id`);--> statement-breakpoint
CREATE INDEX `published_tag_post_idx` ON `published_post_tags` (`post_id`);--> statement-breakpoint
CREATE TABLE `published_posts` (
	`post_id` text PRIMARY KEY NOT NULL,
	`publication_id` text NOT NULL,
	`author_id` text NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`excerpt` text NOT NULL,
	`body_html` text NOT NULL,
	`body_markdown` text NOT NULL,
	`tags` text NOT NULL,
	`feature_media_id` text,
	`reading_minutes` integer NOT NULL,
	`version` integer NOT NULL,
	`published_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `published_slug_unique` ON `published_posts` (`publication_id`,`slug`);--> statement-breakpoint
CREATE INDEX `published_list_idx` ON `published_posts` (`publication_id`,`published_at`,`post_id`);--> statement-breakpoint
CREATE INDEX `published_author_idx` ON `published_posts` (`publication_id`,`author_id`,`published_at`,`post_id`);--> statement-breakpoint
CREATE TABLE `slug_redirects` (
	`publication_id` text NOT NULL,
	`old_slug` text NOT NULL,
	`post_id` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`publication_id`, `old_slug`),
	FOREIGN KEY (`publication_id`) REFERENCES `publications`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `tags` (
	`id` text PRIMARY KEY NOT NULL,
	`publication_id` text NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`publication_id`) REFERENCES `publications`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_publication_slug_unique` ON `tags` (`publication_id`,`slug`);