-- Media (issue 5): metadata of files stored in R2, the per-publication byte counter
-- behind the quota, and resumable multipart uploads with the parts stored so far.
CREATE TABLE `media` (
	`id` text PRIMARY KEY NOT NULL,
	`publication_id` text NOT NULL,
	`uploader_id` text,
	`r2_key` text NOT NULL,
	`original_name` text NOT NULL,
	`name_key` text NOT NULL,
	`content_type` text NOT NULL,
	`kind` text NOT NULL,
	`size` integer NOT NULL,
	`width` integer,
	`height` integer,
	`sha256` text NOT NULL,
	`alt` text DEFAULT '' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`publication_id`) REFERENCES `publications`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`uploader_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `media_r2_key_unique` ON `media` (`r2_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `media_publication_sha256_unique` ON `media` (`publication_id`,`sha256`);--> statement-breakpoint
CREATE INDEX `media_publication_created_idx` ON `media` (`publication_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `media_publication_kind_idx` ON `media` (`publication_id`,`kind`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `media_publication_name_idx` ON `media` (`publication_id`,`name_key`,`id`);--> statement-breakpoint
CREATE TABLE `media_upload_parts` (
	`upload_id` text NOT NULL,
	`part_number` integer NOT NULL,
	`size` integer NOT NULL,
	`etag` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`upload_id`, `part_number`),
	FOREIGN KEY (`upload_id`) REFERENCES `media_uploads`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `media_uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`publication_id` text NOT NULL,
	`uploader_id` text,
	`uploader_key_id` text,
	`original_name` text NOT NULL,
	`size` integer NOT NULL,
	`part_size` integer NOT NULL,
	`parts_total` integer NOT NULL,
	`r2_key` text,
	`r2_upload_id` text,
	`content_type` text,
	`width` integer,
	`height` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`media_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`publication_id`) REFERENCES `publications`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `media_uploads_publication_idx` ON `media_uploads` (`publication_id`,`status`);--> statement-breakpoint
CREATE INDEX `media_uploads_expiry_idx` ON `media_uploads` (`expires_at`);--> statement-breakpoint
CREATE TABLE `media_usage` (
	`publication_id` text PRIMARY KEY NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`publication_id`) REFERENCES `publications`(`id`) ON UPDATE no action ON DELETE cascade
);
