import { and, desc, eq, ne } from "drizzle-orm";
import { sessions, users } from "../db/schema";
import { randomToken, sha256Hex } from "../lib/crypto";
import type { ServiceContext } from "./context";

export const SESSION_COOKIE = "__Host-folio_session";
const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 7 * DAY_MS;
export const SESSION_ABSOLUTE_MS = 30 * DAY_MS;
// Writing last_seen_at on every request would make every page view a D1 write.
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export interface ResolvedSession {
  sessionId: string;
  userId: string;
  user: { id: string; email: string; name: string; handle: string; emailVerifiedAt: string | null };
}

/**
 * A fresh session with a new random token. Called on every log-in, so a session
 * id planted before log-in (fixation) is never promoted; the caller passes the
 * old token to have it deleted in the same batch.
 */
export async function createSession(
  ctx: ServiceContext,
  userId: string,
  previousToken?: string | null,
) {
  const token = randomToken(32);
  const id = await sha256Hex(token);
  const expiresAt = new Date(Date.now() + SESSION_ABSOLUTE_MS).toISOString();
  const insert = ctx.db.insert(sessions).values({
    id,
    userId,
    expiresAt,
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
  });
  if (previousToken) {
    const oldId = await sha256Hex(previousToken);
    await ctx.db.batch([ctx.db.delete(sessions).where(eq(sessions.id, oldId)), insert]);
  } else {
    await insert;
  }
  return { token, sessionId: id, expiresAt };
}

/** The signed-in user for a cookie token, or null when missing, expired or revoked. */
export async function resolveSession(
  ctx: ServiceContext,
  token: string | undefined | null,
): Promise<ResolvedSession | null> {
  if (!token || token.length > 100) return null;
  const id = await sha256Hex(token);
  const row = await ctx.db
    .select({
      session: sessions,
      user: {
        id: users.id,
        email: users.email,
        name: users.name,
        handle: users.handle,
        emailVerifiedAt: users.emailVerifiedAt,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .get();
  if (!row) return null;

  const now = Date.now();
  const lastSeen = Date.parse(row.session.lastSeenAt);
  if (Date.parse(row.session.expiresAt) <= now || lastSeen + SESSION_IDLE_MS <= now) {
    ctx.waitUntil(ctx.db.delete(sessions).where(eq(sessions.id, id)).run());
    return null;
  }
  if (now - lastSeen > TOUCH_INTERVAL_MS) {
    ctx.waitUntil(
      ctx.db
        .update(sessions)
        .set({ lastSeenAt: new Date(now).toISOString(), ip: ctx.meta.ip })
        .where(eq(sessions.id, id))
        .run(),
    );
  }
  return { sessionId: id, userId: row.user.id, user: row.user };
}

export async function listSessions(ctx: ServiceContext, userId: string, currentSessionId?: string) {
  const rows = await ctx.db
    .select()
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(desc(sessions.lastSeenAt));
  // The id is a hash of the cookie; exposing it lets a client name a session to
  // revoke without revealing anything that could be replayed.
  return rows.map((s) => ({
    id: s.id,
    created_at: s.createdAt,
    last_seen_at: s.lastSeenAt,
    expires_at: s.expiresAt,
    ip: s.ip,
    user_agent: s.userAgent,
    current: s.id === currentSessionId,
  }));
}

/** Deletes one of the user's own sessions; false if there was no such session. */
export async function revokeSession(ctx: ServiceContext, userId: string, sessionId: string) {
  const result = await ctx.db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .run();
  return result.meta.changes > 0;
}

/** Statement deleting every session of a user, optionally keeping one. */
export function revokeSessionsStatement(
  ctx: ServiceContext,
  userId: string,
  keepSessionId?: string,
) {
  return ctx.db
    .delete(sessions)
    .where(
      keepSessionId
        ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId))
        : eq(sessions.userId, userId),
    );
}

export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${SESSION_ABSOLUTE_MS / 1000}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`;
}

/** The session token from a Cookie header, if any. */
export function sessionTokenFrom(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE) return rest.join("=") || null;
  }
  return null;
}
