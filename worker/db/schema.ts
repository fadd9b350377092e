import { sql } from "drizzle-orm";
import { sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Timestamps are ISO-8601 UTC strings: readable in backups, sortable as text.
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

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
    /** `scrypt$N$r$p$salt$hash`: algorithm and parameters travel with the hash. */
    passwordHash: text("password_hash"),
    emailVerifiedAt: text("email_verified_at"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email), uniqueIndex("users_handle_unique").on(t.handle)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

