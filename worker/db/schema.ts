import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

// Timestamps are ISO-8601 UTC strings: readable in backups, sortable as text.
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const createdAt = () => text("created_at").notNull().default(now);

export const ROLES = ["owner", "admin", "editor", "author", "contributor"] as const;
export type Role = (typeof ROLES)[number];

/** The root of the model: a person who can sign in. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Lower-cased and trimmed before it is stored. */
    email: text("email").notNull(),
    name: text("name").notNull().default(""),
    /** URL-safe, unique; used in author pages (`/@pub/author/{handle}`). */
    handle: text("handle").notNull(),
    /** `scrypt$v=1$n=…,r=…,p=…$salt$hash`: parameters travel with the hash. */
    passwordHash: text("password_hash"),
    emailVerifiedAt: text("email_verified_at"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    uniqueIndex("users_handle_unique").on(t.handle),
  ],
);

/** Web sessions. `id` is the SHA-256 of the cookie token; the token itself is never stored. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: text("last_seen_at").notNull().default(now),
    /** Absolute expiry (30 days after creation); idle expiry is last_seen_at + 7 days. */
    expiresAt: text("expires_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Rotating refresh tokens for API clients; reuse of a spent one revokes its family. */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(), // SHA-256 of the token
    familyId: text("family_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("refresh_family_idx").on(t.familyId), index("refresh_user_idx").on(t.userId)],
);

/** One-time links sent by e-mail: verification and password reset. */
export const emailTokens = sqliteTable(
  "email_tokens",
  {
    id: text("id").primaryKey(), // SHA-256 of the token
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify_email", "reset_password"] }).notNull(),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
  },
  (t) => [index("email_tokens_user_idx").on(t.userId, t.purpose)],
);

export const publications = sqliteTable(
  "publications",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    locale: text("locale").notNull().default("en"),
    timezone: text("timezone").notNull().default("UTC"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("publications_slug_unique").on(t.slug)],
);

export const memberships = sqliteTable(
  "memberships",
  {
    publicationId: text("publication_id")
      .notNull()
      .references(() => publications.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.publicationId, t.userId] }),
    index("memberships_user_idx").on(t.userId),
  ],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    publicationId: text("publication_id")
      .notNull()
      .references(() => publications.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    acceptedAt: text("accepted_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [
    uniqueIndex("invitations_token_unique").on(t.tokenHash),
    index("invitations_publication_idx").on(t.publicationId, t.createdAt),
  ],
);

/** Publication API keys: `folio_<prefix>_<secret>`; only an HMAC of the whole key is kept. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    publicationId: text("publication_id")
      .notNull()
      .references(() => publications.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    /** JSON array of scopes, e.g. ["posts:read","posts:write"]. */
    scopes: text("scopes").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [
    uniqueIndex("api_keys_secret_unique").on(t.secretHash),
    index("api_keys_publication_idx").on(t.publicationId, t.createdAt),
  ],
);

/** Who did what, when, from where. Never holds secrets. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(), // UUIDv7: sorts by time
    publicationId: text("publication_id"),
    actorUserId: text("actor_user_id"),
    actorKeyId: text("actor_key_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
    /** JSON object with non-secret details. */
    metadata: text("metadata").notNull().default("{}"),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_publication_idx").on(t.publicationId, t.id),
    index("audit_actor_idx").on(t.actorUserId, t.id),
  ],
);

/** E-mails waiting to be sent (and the record of those sent). */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    toEmail: text("to_email").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: createdAt(),
    sentAt: text("sent_at"),
  },
  (t) => [index("outbox_status_idx").on(t.status, t.createdAt)],
);

/** Replay protection for creates sent with `Idempotency-Key`. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(), // actor + route
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.key] }),
    index("idempotency_expiry_idx").on(t.expiresAt),
  ],
);

export type User = typeof users.$inferSelect;
export type Publication = typeof publications.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;

// ---- publishing ---------------------------------------------------------------------

export const POST_STATUSES = ["draft", "scheduled", "published", "archived"] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

/**
 * A post's working copy and its state. What readers see lives in
 * `published_posts`: editing a published post changes nothing for readers
 * until the update is published.
 */
export const posts = sqliteTable(
  "posts",
  {
    id: text("id").primaryKey(),
    publicationId: text("publication_id")
      .notNull()
      .references(() => publications.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    excerpt: text("excerpt").notNull().default(""),
    bodyMarkdown: text("body_markdown").notNull().default(""),
    bodyHtml: text("body_html").notNull().default(""),
    /** JSON array of tag names of the working copy. */
    tags: text("tags").notNull().default("[]"),
    status: text("status", { enum: POST_STATUSES }).notNull().default("draft"),
    featureMediaId: text("feature_media_id"),
    readingMinutes: integer("reading_minutes").notNull().default(1),
    wordCount: integer("word_count").notNull().default(0),
    /** +1 on every write; saves must name the version they started from. */
    version: integer("version").notNull().default(1),
    /** The version readers currently see; null if never published. */
    publishedVersion: integer("published_version"),
    publishedAt: text("published_at"),
    scheduledAt: text("scheduled_at"),
    /** Outcome of the last scheduled publish: null, "published", or an error. */
    scheduleResult: text("schedule_result"),
    locale: text("locale").notNull().default("en"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("posts_publication_slug_unique").on(t.publicationId, t.slug),
    // Admin list: newest first per publication, optionally by status or author.
    index("posts_publication_updated_idx").on(t.publicationId, t.updatedAt, t.id),
    index("posts_publication_status_idx").on(t.publicationId, t.status, t.updatedAt, t.id),
    index("posts_publication_author_idx").on(t.publicationId, t.authorId, t.updatedAt, t.id),
  ],
);

/** Every save of a post, restorable. */
export const postRevisions = sqliteTable(
  "post_revisions",
  {
    postId: text("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    slug: text("slug").notNull(),
    excerpt: text("excerpt").notNull(),
    bodyMarkdown: text("body_markdown").notNull(),
    tags: text("tags").notNull(),
    featureMediaId: text("feature_media_id"),
    authorId: text("author_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.version] })],
);

/** The copy readers see, one row per live post; written only by publishing. */
export const publishedPosts = sqliteTable(
  "published_posts",
  {
    postId: text("post_id")
      .primaryKey()
      .references(() => posts.id, { onDelete: "cascade" }),
    publicationId: text("publication_id").notNull(),
    authorId: text("author_id").notNull(),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    excerpt: text("excerpt").notNull(),
    bodyHtml: text("body_html").notNull(),
    bodyMarkdown: text("body_markdown").notNull(),
    /** JSON array of { slug, name }. */
    tags: text("tags").notNull(),
    featureMediaId: text("feature_media_id"),
    readingMinutes: integer("reading_minutes").notNull(),
    version: integer("version").notNull(),
    publishedAt: text("published_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("published_slug_unique").on(t.publicationId, t.slug),
    index("published_list_idx").on(t.publicationId, t.publishedAt, t.postId),
    index("published_author_idx").on(t.publicationId, t.authorId, t.publishedAt, t.postId),
  ],
);

export const tags = sqliteTable(
  "tags",
  {
    id: text("id").primaryKey(),
    publicationId: text("publication_id")
      .notNull()
      .references(() => publications.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** Live posts with this tag; recounted by publishing so tag lists never count rows. */
    postCount: integer("post_count").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("tags_publication_slug_unique").on(t.publicationId, t.slug)],
);

/** Tags of live posts, with the post's date so tag pages page by index. */
export const publishedPostTags = sqliteTable(
  "published_post_tags",
  {
    publicationId: text("publication_id").notNull(),
    tagId: text("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
    postId: text("post_id")
      .notNull()
      .references(() => publishedPosts.postId, { onDelete: "cascade" }),
    publishedAt: text("published_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tagId, t.postId] }),
    index("published_tag_list_idx").on(t.publicationId, t.tagId, t.publishedAt, t.postId),
    index("published_tag_post_idx").on(t.postId),
  ],
);

/** Old slugs of live posts, answered with 301 to the current one. */
export const slugRedirects = sqliteTable(
  "slug_redirects",
  {
    publicationId: text("publication_id")
      .notNull()
      .references(() => publications.id, { onDelete: "cascade" }),
    oldSlug: text("old_slug").notNull(),
    postId: text("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.publicationId, t.oldSlug] })],
);

export type Post = typeof posts.$inferSelect;
export type PublishedPost = typeof publishedPosts.$inferSelect;
export type Tag = typeof tags.$inferSelect;

// ---- media ----------------------------------------------------------------------------

export const MEDIA_KINDS = ["image", "video", "audio", "document"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * Uploaded files. The bytes live in R2 under `r2_key` (server-generated,
 * write-once); this row is what makes a key servable at `/media/{r2_key}`.
 */
export const media = sqliteTable(
  "media",
  {
    id: text("id").primaryKey(),
    publicationId: text("publication_id")
      .notNull()
      .references(() => publications.id, { onDelete: "cascade" }),
    /** The member who uploaded it; null for API keys (the audit log names the key). */
    uploaderId: text("uploader_id").references(() => users.id, { onDelete: "set null" }),
    r2Key: text("r2_key").notNull(),
    /** The client's file name, sanitized; metadata only, never part of the key. */
    originalName: text("original_name").notNull(),
    /** Lower-cased original name: the index behind prefix search. */
    nameKey: text("name_key").notNull(),
    /** Decided from the bytes, never from the name or the request headers. */
    contentType: text("content_type").notNull(),
    kind: text("kind", { enum: MEDIA_KINDS }).notNull(),
    size: integer("size").notNull(),
    width: integer("width"),
    height: integer("height"),
    sha256: text("sha256").notNull(),
    alt: text("alt").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("media_r2_key_unique").on(t.r2Key),
    // Identical bytes are stored once per publication.
    uniqueIndex("media_publication_sha256_unique").on(t.publicationId, t.sha256),
    index("media_publication_created_idx").on(t.publicationId, t.createdAt, t.id),
    index("media_publication_kind_idx").on(t.publicationId, t.kind, t.createdAt, t.id),
    index("media_publication_name_idx").on(t.publicationId, t.nameKey, t.id),
  ],
);

/** Bytes stored per publication, kept in the same batch as media rows: the quota's counter. */
export const mediaUsage = sqliteTable("media_usage", {
  publicationId: text("publication_id")
    .primaryKey()
    .references(() => publications.id, { onDelete: "cascade" }),
  bytes: integer("bytes").notNull().default(0),
});

/** Resumable multipart uploads in progress (R2 multipart under the hood). */
export const mediaUploads = sqliteTable(
  "media_uploads",
  {
    id: text("id").primaryKey(),
    publicationId: text("publication_id")
      .notNull()
      .references(() => publications.id, { onDelete: "cascade" }),
    /** Who started it (a user or an API key); nobody else sees or continues it. */
    uploaderId: text("uploader_id"),
    uploaderKeyId: text("uploader_key_id"),
    originalName: text("original_name").notNull(),
    /** Declared total size; every part but the last is exactly `part_size`. */
    size: integer("size").notNull(),
    partSize: integer("part_size").notNull(),
    partsTotal: integer("parts_total").notNull(),
    /** Set when part 1 has passed the type check and the R2 upload exists. */
    r2Key: text("r2_key"),
    r2UploadId: text("r2_upload_id"),
    contentType: text("content_type"),
    width: integer("width"),
    height: integer("height"),
    status: text("status", { enum: ["active", "completed"] })
      .notNull()
      .default("active"),
    mediaId: text("media_id"),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [
    index("media_uploads_publication_idx").on(t.publicationId, t.status),
    index("media_uploads_expiry_idx").on(t.expiresAt),
  ],
);

/** Parts stored so far: what a client asks for to resume, and what `complete` sends R2. */
export const mediaUploadParts = sqliteTable(
  "media_upload_parts",
  {
    uploadId: text("upload_id")
      .notNull()
      .references(() => mediaUploads.id, { onDelete: "cascade" }),
    partNumber: integer("part_number").notNull(),
    size: integer("size").notNull(),
    etag: text("etag").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.partNumber] })],
);

export type Medium = typeof media.$inferSelect;
export type MediaUpload = typeof mediaUploads.$inferSelect;
