import { auditLog } from "../db/schema";
import { uuidv7 } from "../lib/crypto";
import type { Actor, ServiceContext } from "./context";

export interface AuditEntry {
  action: string;
  actor?: Actor | { kind: "anonymous" };
  publicationId?: string | null;
  targetType?: string;
  targetId?: string;
  /** Non-secret details only: ids, roles, names; never tokens, hashes or passwords. */
  metadata?: Record<string, unknown>;
}

/**
 * The audit insert as a statement, so callers put it in the same D1 batch as
 * the change it records: either both land or neither does.
 */
export function auditStatement(ctx: ServiceContext, entry: AuditEntry) {
  const actor = entry.actor;
  return ctx.db.insert(auditLog).values({
    id: uuidv7(),
    publicationId: entry.publicationId ?? null,
    actorUserId: actor?.kind === "user" ? actor.userId : null,
    actorKeyId: actor?.kind === "api_key" ? actor.keyId : null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
    requestId: ctx.meta.requestId,
    metadata: JSON.stringify(entry.metadata ?? {}),
  });
}

/** For events that change nothing else (e.g. a failed sign-in). */
export async function recordAudit(ctx: ServiceContext, entry: AuditEntry): Promise<void> {
  await auditStatement(ctx, entry);
}
