import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { apiKeys } from "../db/schema";
import type { Env } from "../env";
import { hmacSha256Hex, randomToken, uuidv7 } from "../lib/crypto";
import { problem } from "../lib/problem";
import { auditStatement } from "./audit";
import type { Actor, ServiceContext } from "./context";
import { SCOPE_NAMES } from "./permissions";
import { accessPublication } from "./publications";

export const API_KEY_PREFIX = "folio_";
const KEY_SHAPE = /^folio_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
// last_used_at is informational; writing it on every call would make reads writes.
const LAST_USED_RESOLUTION_MS = 60_000;

export const apiKeyInput = z.object({
  name: z.string().trim().min(1, "Name the key after what uses it.").max(80),
  scopes: z
    .array(z.enum(SCOPE_NAMES as [string, ...string[]]))
    .min(1, "Choose at least one scope.")
    .transform((s) => [...new Set(s)].sort()),
});

type ApiKeyRow = typeof apiKeys.$inferSelect;

function toApiKeyView(k: ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: `${API_KEY_PREFIX}${k.prefix}`,
    scopes: JSON.parse(k.scopes) as string[],
    created_at: k.createdAt,
    last_used_at: k.lastUsedAt,
    revoked_at: k.revokedAt,
  };
}

/** The stored form of a key: keyed HMAC, so a leaked table cannot be brute-forced offline. */
const keyHash = (env: Env, key: string) => hmacSha256Hex(env.PASSWORD_PEPPER, `api-key:${key}`);

/** Creates a key and returns its secret: the only time it is ever shown. */
export async function createApiKey(
  ctx: ServiceContext,
  actor: Actor,
  ref: string,
  input: z.infer<typeof apiKeyInput>,
) {
  const { publication } = await accessPublication(ctx, actor, ref, "apikeys.manage");
  if (actor.kind !== "user") throw problem(403, "API keys cannot create API keys.");
  const prefix = randomToken(8)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .padEnd(8, "0")
    .slice(0, 8);
  const secret = `${API_KEY_PREFIX}${prefix}_${randomToken(32)}`;
  const id = uuidv7();
  const [inserted] = await ctx.db.batch([
    ctx.db
      .insert(apiKeys)
      .values({
        id,
        publicationId: publication.id,
        name: input.name,
        prefix,
        secretHash: await keyHash(ctx.env, secret),
        scopes: JSON.stringify(input.scopes),
        createdBy: actor.userId,
      })
      .returning(),
    auditStatement(ctx, {
      action: "api_key.created",
      actor,
      publicationId: publication.id,
      targetType: "api_key",
      targetId: id,
      metadata: { name: input.name, scopes: input.scopes, prefix },
    }),
  ]);
  return { ...toApiKeyView(inserted[0]!), secret };
}

export async function listApiKeys(ctx: ServiceContext, actor: Actor, ref: string) {
  const { publication } = await accessPublication(ctx, actor, ref, "apikeys.manage");
  const rows = await ctx.db.query.apiKeys.findMany({
    where: eq(apiKeys.publicationId, publication.id),
    orderBy: desc(apiKeys.createdAt),
  });
  return rows.map(toApiKeyView);
}

export async function revokeApiKey(ctx: ServiceContext, actor: Actor, ref: string, keyId: string) {
  const { publication } = await accessPublication(ctx, actor, ref, "apikeys.manage");
  const active = await ctx.db.query.apiKeys.findFirst({
    where: and(
      eq(apiKeys.id, keyId),
      eq(apiKeys.publicationId, publication.id),
      isNull(apiKeys.revokedAt),
    ),
    columns: { id: true },
  });
  if (!active) throw problem(404, "No such active API key.");
  await ctx.db.batch([
    ctx.db
      .update(apiKeys)
      .set({ revokedAt: new Date().toISOString() })
      .where(
        and(
          eq(apiKeys.id, keyId),
          eq(apiKeys.publicationId, publication.id),
          isNull(apiKeys.revokedAt),
        ),
      )
      .returning({ id: apiKeys.id }),
    auditStatement(ctx, {
      action: "api_key.revoked",
      actor,
      publicationId: publication.id,
      targetType: "api_key",
      targetId: keyId,
    }),
  ]);
}

/** The publication actor behind `Authorization: Bearer folio_…`; 401 if unknown or revoked. */
export async function actorFromApiKey(ctx: ServiceContext, key: string): Promise<Actor> {
  const invalid = () =>
    problem(401, "The API key is not valid.", {
      code: "invalid_token",
      headers: { "WWW-Authenticate": `Bearer error="invalid_token"` },
    });
  if (!KEY_SHAPE.test(key)) throw invalid();
  const row = await ctx.db.query.apiKeys.findFirst({
    where: eq(apiKeys.secretHash, await keyHash(ctx.env, key)),
  });
  if (!row || row.revokedAt) throw invalid();
  const now = Date.now();
  if (!row.lastUsedAt || now - Date.parse(row.lastUsedAt) > LAST_USED_RESOLUTION_MS) {
    ctx.waitUntil(
      ctx.db
        .update(apiKeys)
        .set({ lastUsedAt: new Date(now).toISOString() })
        .where(eq(apiKeys.id, row.id))
        .run(),
    );
  }
  return {
    kind: "api_key",
    keyId: row.id,
    publicationId: row.publicationId,
    scopes: JSON.parse(row.scopes),
  };
}
