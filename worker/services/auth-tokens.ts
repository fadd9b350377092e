import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { refreshTokens } from "../db/schema";
import type { Env } from "../env";
import { randomToken, sha256Hex, uuidv7 } from "../lib/crypto";
import { JwtError, signAccessToken, verifyAccessToken } from "../lib/jwt";
import { problem } from "../lib/problem";
import { authenticate, emailSchema } from "./accounts";
import { auditStatement, recordAudit } from "./audit";
import type { Actor, ServiceContext } from "./context";
import { enforceRate } from "./rate-limit";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const REFRESH_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const JWT_AUDIENCE = "folio-api";

/** OAuth 2.0 token request (RFC 6749 §4.3 and §6), JSON or form-encoded. */
export const tokenRequestInput = z.discriminatedUnion("grant_type", [
  z.object({
    grant_type: z.literal("password"),
    username: emailSchema,
    password: z.string().min(1).max(1024),
  }),
  z.object({ grant_type: z.literal("refresh_token"), refresh_token: z.string().min(10).max(200) }),
]);

export const revokeInput = z.object({
  token: z.string().min(10).max(200),
  token_type_hint: z.enum(["refresh_token", "access_token"]).optional(),
});

export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
}

const issuer = (env: Env) => env.APP_ORIGIN;

function requireSecret(env: Env): string {
  if (!env.JWT_SECRET || env.JWT_SECRET.length < 32) {
    throw new Error("JWT_SECRET is missing or shorter than 32 characters");
  }
  return env.JWT_SECRET;
}

const invalidGrant = (detail: string) => problem(400, detail, { code: "invalid_grant" });

export async function exchangeToken(
  ctx: ServiceContext,
  input: z.infer<typeof tokenRequestInput>,
): Promise<TokenResponse> {
  await enforceRate(ctx.env, "tokenIp", ctx.meta.ip);
  if (input.grant_type === "password") {
    const user = await authenticate(ctx, input.username, input.password);
    const pair = await issuePair(ctx, user.id, uuidv7());
    await recordAudit(ctx, {
      action: "auth.login",
      actor: { kind: "user", userId: user.id, via: "token" },
      targetType: "user",
      targetId: user.id,
      metadata: { grant: "password" },
    });
    return pair;
  }
  return rotateRefreshToken(ctx, input.refresh_token);
}

async function issuePair(
  ctx: ServiceContext,
  userId: string,
  familyId: string,
): Promise<TokenResponse> {
  const refresh = randomToken(32);
  const statement = ctx.db.insert(refreshTokens).values({
    id: await sha256Hex(refresh),
    familyId,
    userId,
    expiresAt: new Date(Date.now() + REFRESH_TTL_MS).toISOString(),
  });
  await statement;
  return {
    access_token: await signAccessToken(
      { sub: userId, sid: familyId },
      {
        secret: requireSecret(ctx.env),
        issuer: issuer(ctx.env),
        audience: JWT_AUDIENCE,
        ttlSeconds: ACCESS_TOKEN_TTL_SECONDS,
      },
    ),
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: refresh,
  };
}

/**
 * Spends a refresh token and issues the next one in its family. A token that
 * was already spent is a sign of theft (RFC 6819 §5.2.2.3): the whole family is
 * revoked, so neither the thief nor the victim can continue with it.
 */
async function rotateRefreshToken(ctx: ServiceContext, token: string): Promise<TokenResponse> {
  const id = await sha256Hex(token);
  const now = new Date().toISOString();
  const row = await ctx.db.query.refreshTokens.findFirst({ where: eq(refreshTokens.id, id) });
  if (!row) throw invalidGrant("The refresh token is not valid.");
  if (row.revokedAt) throw invalidGrant("The refresh token has been revoked.");
  if (row.expiresAt <= now) throw invalidGrant("The refresh token has expired.");

  // Conditional update: of two concurrent uses only one can flip used_at.
  const spent = await ctx.db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(
      and(eq(refreshTokens.id, id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)),
    )
    .returning({ id: refreshTokens.id });
  if (spent.length === 0) {
    await ctx.db.batch([
      ctx.db
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt))),
      auditStatement(ctx, {
        action: "auth.refresh_token_reused",
        actor: { kind: "user", userId: row.userId, via: "token" },
        targetType: "token_family",
        targetId: row.familyId,
      }),
    ]);
    throw invalidGrant("The refresh token was already used; its sessions have been revoked.");
  }
  return issuePair(ctx, row.userId, row.familyId);
}

/** RFC 7009: revoking answers the same whether or not the token existed. */
export async function revokeToken(ctx: ServiceContext, token: string): Promise<void> {
  const id = await sha256Hex(token);
  const row = await ctx.db.query.refreshTokens.findFirst({ where: eq(refreshTokens.id, id) });
  if (!row) return;
  const now = new Date().toISOString();
  await ctx.db.batch([
    ctx.db
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt))),
    auditStatement(ctx, {
      action: "auth.token_revoked",
      actor: { kind: "user", userId: row.userId, via: "token" },
      targetType: "token_family",
      targetId: row.familyId,
    }),
  ]);
}

/** The user behind a bearer access token; 401 for anything not exactly right. */
export async function actorFromAccessToken(env: Env, token: string): Promise<Actor> {
  try {
    const claims = await verifyAccessToken(token, {
      secret: requireSecret(env),
      issuer: issuer(env),
      audience: JWT_AUDIENCE,
    });
    return { kind: "user", userId: claims.sub, via: "token", sessionId: claims.sid };
  } catch (err) {
    if (err instanceof JwtError) {
      throw problem(401, err.message, {
        code: "invalid_token",
        headers: { "WWW-Authenticate": `Bearer error="invalid_token"` },
      });
    }
    throw err;
  }
}
