import { and, isNotNull, lt, or } from "drizzle-orm";
import { database } from "../db/client";
import { emailTokens, idempotencyKeys, invitations, refreshTokens, sessions } from "../db/schema";
import type { Env } from "../env";
import { sweepExpiredUploads } from "./media";
import { mergeSearchIndex } from "./search-maintenance";
import { SESSION_IDLE_MS } from "./sessions";

/**
 * Deletes what can no longer be used: expired sessions (absolute or idle),
 * spent or expired one-time tokens, old refresh tokens and idempotency keys.
 * Each delete is served by an expiry or primary-key index.
 */
export async function sweepExpired(env: Env, now = new Date()) {
  const db = database(env.DB);
  const iso = now.toISOString();
  const idleCutoff = new Date(now.getTime() - SESSION_IDLE_MS).toISOString();
  const results = await db.batch([
    db.delete(sessions).where(or(lt(sessions.expiresAt, iso), lt(sessions.lastSeenAt, idleCutoff))),
    db.delete(emailTokens).where(or(lt(emailTokens.expiresAt, iso), isNotNull(emailTokens.usedAt))),
    db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, iso)),
    db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, iso)),
    db
      .delete(invitations)
      .where(and(lt(invitations.expiresAt, iso), isNotNull(invitations.expiresAt))),
  ]);
  const deleted = results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
  // Abandoned multipart uploads: abort them in R2 and forget them.
  await sweepExpiredUploads(env, now);
  await mergeSearchIndex(env);
  console.log(JSON.stringify({ level: "info", msg: "expiry sweep", deleted }));
  return deleted;
}
