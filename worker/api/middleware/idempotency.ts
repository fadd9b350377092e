import { and, eq } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { database } from "../../db/client";
import { idempotencyKeys } from "../../db/schema";
import type { AppEnv } from "../../env";
import { sha256Hex } from "../../lib/crypto";
import { problem } from "../../lib/problem";

const KEY_SHAPE = /^[A-Za-z0-9._:-]{8,128}$/;
const TTL_MS = 24 * 60 * 60 * 1000;
const IN_PROGRESS = 0;

/**
 * `Idempotency-Key` for creates. The first request with a key reserves it,
 * runs, and stores its answer; a retry with the same key and body gets the
 * stored answer (`Idempotent-Replayed: true`) instead of creating twice. The
 * same key with a different body is 422; a retry while the first is still
 * running is 409. Server errors are not stored, so they can be retried.
 * Expired keys are deleted by the sweep (worker/services/sweeps.ts).
 */
export const idempotent = idempotentWith();

/**
 * `redact` names top-level fields never to store (a one-time secret): a replay
 * answers without them, saying so, instead of keeping the secret in D1.
 */
export function idempotentWith(options: { redact?: string[] } = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (!key) return next();
    if (!KEY_SHAPE.test(key)) {
      throw problem(400, "Idempotency-Key must be 8-128 letters, digits or ._:-", {
        code: "invalid_idempotency_key",
      });
    }
    const actor = c.get("actor");
    const who = actor
      ? actor.kind === "user"
        ? actor.userId
        : actor.keyId
      : `ip:${c.get("services").meta.ip}`;
    const scope = `${who} ${c.req.method} ${c.req.path}`;
    const requestHash = await sha256Hex(await c.req.raw.clone().text());
    const db = database(c.env.DB);
    const now = new Date();

    const reserved = await db
      .insert(idempotencyKeys)
      .values({
        scope,
        key,
        requestHash,
        status: IN_PROGRESS,
        body: "",
        expiresAt: new Date(now.getTime() + TTL_MS).toISOString(),
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });

    if (reserved.length === 0) {
      const saved = await db.query.idempotencyKeys.findFirst({
        where: and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)),
      });
      if (saved && saved.expiresAt > now.toISOString()) {
        if (saved.requestHash !== requestHash) {
          throw problem(422, "This Idempotency-Key was used with a different request body.", {
            code: "idempotency_key_reused",
          });
        }
        if (saved.status === IN_PROGRESS) {
          throw problem(409, "A request with this Idempotency-Key is still in progress.", {
            code: "idempotency_in_progress",
          });
        }
        return new Response(saved.body, {
          status: saved.status,
          headers: { "content-type": "application/json", "Idempotent-Replayed": "true" },
        });
      }
      // Expired: take the key over for this request.
      await db
        .update(idempotencyKeys)
        .set({
          requestHash,
          status: IN_PROGRESS,
          body: "",
          expiresAt: new Date(now.getTime() + TTL_MS).toISOString(),
        })
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    }

    await next();

    const where = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
    if (c.res.status >= 500 || c.error) {
      await db.delete(idempotencyKeys).where(where);
      return;
    }
    let body = await c.res.clone().text();
    if (options.redact?.length) {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      for (const field of options.redact) if (field in parsed) parsed[field] = null;
      parsed.redacted = `${options.redact.join(", ")} shown only in the first response`;
      body = JSON.stringify(parsed);
    }
    await db.update(idempotencyKeys).set({ status: c.res.status, body }).where(where);
  });
}
