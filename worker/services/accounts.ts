import { and, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { emailTokens, refreshTokens, users } from "../db/schema";
import { randomToken, sha256Hex, uuidv7 } from "../lib/crypto";
import { slugify } from "../lib/markdown";
import { problem } from "../lib/problem";
import { auditStatement, recordAudit } from "./audit";
import type { ServiceContext } from "./context";
import { dispatchMail, mailStatement } from "./email";
import {
  hashPassword,
  MAX_PASSWORD_LENGTH,
  passwordProblems,
  verifyAgainstDummy,
  verifyPassword,
} from "./passwords";
import { enforceRate } from "./rate-limit";
import { revokeSessionsStatement } from "./sessions";

const HOUR_MS = 60 * 60 * 1000;
const VERIFY_TTL_MS = 48 * HOUR_MS;
const RESET_TTL_MS = 1 * HOUR_MS;

// ---- input schemas (shared by the API and the Remix forms) -------------------

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "E-mail addresses are at most 254 characters.")
  .pipe(z.email("Enter a valid e-mail address."));

// Length is checked again (with a friendlier message) by passwordProblems.
const passwordSchema = z
  .string()
  .min(1, "Enter a password.")
  .max(MAX_PASSWORD_LENGTH * 4);

export const handleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "Handles are at least 2 characters.")
  .max(40, "Handles are at most 40 characters.")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lower-case letters, digits and dashes.");

export const nameSchema = z.string().trim().max(80, "Names are at most 80 characters.");

export const signUpInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: nameSchema.min(1, "Enter your name."),
  handle: handleSchema.optional(),
});

export const logInInput = z.object({ email: emailSchema, password: passwordSchema });
export const forgotPasswordInput = z.object({ email: emailSchema });
export const resetPasswordInput = z.object({
  token: z.string().min(10).max(100),
  password: passwordSchema,
});
export const changePasswordInput = z.object({
  current_password: passwordSchema,
  new_password: passwordSchema,
});
export const verifyEmailInput = z.object({ token: z.string().min(10).max(100) });
export const profileInput = z.object({
  name: nameSchema.optional(),
  handle: handleSchema.optional(),
});

// ---- public shape ------------------------------------------------------------

export interface Profile {
  id: string;
  email: string;
  name: string;
  handle: string;
  email_verified: boolean;
  created_at: string;
}

/** The only shape a user leaves the application layer in: no hash, ever. */
export function toProfile(u: typeof users.$inferSelect | ProfileSource): Profile {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    handle: u.handle,
    email_verified: Boolean(u.emailVerifiedAt),
    created_at: "createdAt" in u && u.createdAt ? u.createdAt : "",
  };
}
type ProfileSource = Pick<
  typeof users.$inferSelect,
  "id" | "email" | "name" | "handle" | "emailVerifiedAt"
> & {
  createdAt?: string;
};

const weakPassword = (problems: string[], field: string) =>
  problem(422, problems[0], {
    code: "weak_password",
    errors: problems.map((message) => ({ field, message })),
  });

// ---- sign up and verification ---------------------------------------------------

export type SignUpInput = z.infer<typeof signUpInput>;

/**
 * Creates an account and e-mails a verification link. The answer is the same
 * whether or not the address already has an account (that owner gets a
 * "someone tried to sign up" mail instead), so sign-up cannot enumerate users.
 */
export async function signUp(ctx: ServiceContext, input: SignUpInput): Promise<void> {
  // Password rules first: a writer fixing a weak password should not spend the IP's sign-ups.
  const problems = passwordProblems(input.password, input);
  if (problems.length) throw weakPassword(problems, "password");
  await enforceRate(ctx.env, "signupIp", ctx.meta.ip);

  const existing = await ctx.db.query.users.findFirst({ where: eq(users.email, input.email) });
  if (existing) {
    const mail = mailStatement(ctx, {
      to: existing.email,
      subject: "Someone tried to sign up with your e-mail",
      paragraphs: [
        "Someone (maybe you) tried to create a Folio account with this address, which already has one.",
        "If it was you, log in or reset your password. If not, you can ignore this e-mail.",
      ],
      link: { label: "Reset your password", url: `${ctx.meta.origin}/forgot-password` },
    });
    await mail.statement;
    dispatchMail(ctx, mail.id);
    // Spend the time a real sign-up spends hashing, so timing does not tell either.
    await hashPassword(input.password, ctx.env.PASSWORD_PEPPER);
    return;
  }

  const handle =
    input.handle ?? (await availableHandle(ctx, input.name || input.email.split("@")[0]!));
  if (input.handle && (await ctx.db.query.users.findFirst({ where: eq(users.handle, handle) }))) {
    throw problem(409, "That handle is taken.", {
      code: "handle_taken",
      errors: [{ field: "handle", message: "That handle is taken." }],
    });
  }

  const id = uuidv7();
  const passwordHash = await hashPassword(input.password, ctx.env.PASSWORD_PEPPER);
  const token = randomToken(32);
  const mail = mailStatement(ctx, verificationMail(ctx, input.email, token));
  try {
    await ctx.db.batch([
      ctx.db
        .insert(users)
        .values({ id, email: input.email, name: input.name, handle, passwordHash }),
      ctx.db.insert(emailTokens).values({
        id: await sha256Hex(token),
        userId: id,
        purpose: "verify_email",
        expiresAt: new Date(Date.now() + VERIFY_TTL_MS).toISOString(),
      }),
      mail.statement,
      auditStatement(ctx, {
        action: "account.created",
        actor: { kind: "user", userId: id, via: "session" },
        targetType: "user",
        targetId: id,
      }),
    ]);
  } catch (err) {
    // Two sign-ups racing for one address or handle: the unique index decides.
    if (String(err).includes("UNIQUE")) return;
    throw err;
  }
  dispatchMail(ctx, mail.id);
}

function verificationMail(ctx: ServiceContext, to: string, token: string) {
  return {
    to,
    subject: "Confirm your e-mail for Folio",
    paragraphs: [
      "Welcome to Folio. Confirm this address to finish setting up your account.",
      "The link works for 48 hours.",
    ],
    link: { label: "Confirm e-mail", url: `${ctx.meta.origin}/verify-email?token=${token}` },
  };
}

export async function resendVerification(ctx: ServiceContext, userId: string): Promise<void> {
  await enforceRate(ctx.env, "passwordResetAccount", `verify:${userId}`);
  const user = await ctx.db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user || user.emailVerifiedAt) return;
  const token = randomToken(32);
  const mail = mailStatement(ctx, verificationMail(ctx, user.email, token));
  await ctx.db.batch([
    ctx.db.insert(emailTokens).values({
      id: await sha256Hex(token),
      userId,
      purpose: "verify_email",
      expiresAt: new Date(Date.now() + VERIFY_TTL_MS).toISOString(),
    }),
    mail.statement,
  ]);
  dispatchMail(ctx, mail.id);
}

/** Spends a one-time e-mail token; null if unknown, used or expired. */
async function spendEmailToken(
  ctx: ServiceContext,
  token: string,
  purpose: "verify_email" | "reset_password",
) {
  const id = await sha256Hex(token);
  const now = new Date().toISOString();
  const spent = await ctx.db
    .update(emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailTokens.id, id),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, now),
      ),
    )
    .returning({ userId: emailTokens.userId });
  return spent[0]?.userId ?? null;
}

export async function verifyEmail(ctx: ServiceContext, token: string): Promise<void> {
  const userId = await spendEmailToken(ctx, token, "verify_email");
  if (!userId)
    throw problem(400, "This confirmation link is invalid or has expired.", {
      code: "invalid_token",
    });
  const now = new Date().toISOString();
  await ctx.db.batch([
    ctx.db.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, userId)),
    auditStatement(ctx, {
      action: "account.email_verified",
      actor: { kind: "user", userId, via: "session" },
      targetType: "user",
      targetId: userId,
    }),
  ]);
}

// ---- log in -----------------------------------------------------------------------

/**
 * Checks an e-mail and password, rate-limited per account and per client IP.
 * Unknown accounts cost the same hashing time and get the same message.
 */
export async function authenticate(ctx: ServiceContext, email: string, password: string) {
  await enforceRate(ctx.env, "loginIp", ctx.meta.ip);
  await enforceRate(ctx.env, "loginAccount", email);

  const user = await ctx.db.query.users.findFirst({ where: eq(users.email, email) });
  const result = user?.passwordHash
    ? await verifyPassword(password, user.passwordHash, ctx.env.PASSWORD_PEPPER)
    : await verifyAgainstDummy(password, ctx.env.PASSWORD_PEPPER);

  if (!user || !result.ok) {
    await recordAudit(ctx, {
      action: "auth.login_failed",
      actor: user ? { kind: "user", userId: user.id, via: "session" } : { kind: "anonymous" },
      targetType: "user",
      targetId: user?.id,
      metadata: { reason: user ? "bad_password" : "unknown_account" },
    });
    throw problem(401, "That e-mail and password do not match an account.", {
      code: "invalid_credentials",
    });
  }
  if (result.needsRehash) {
    const upgraded = await hashPassword(password, ctx.env.PASSWORD_PEPPER);
    await ctx.db.update(users).set({ passwordHash: upgraded }).where(eq(users.id, user.id));
  }
  return user;
}

// ---- passwords --------------------------------------------------------------------

export async function changePassword(
  ctx: ServiceContext,
  userId: string,
  input: z.infer<typeof changePasswordInput>,
  keepSessionId?: string,
): Promise<void> {
  const user = await ctx.db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user?.passwordHash) throw problem(404, "Account not found.");
  const current = await verifyPassword(
    input.current_password,
    user.passwordHash,
    ctx.env.PASSWORD_PEPPER,
  );
  if (!current.ok) {
    throw problem(422, "Your current password is not correct.", {
      code: "invalid_credentials",
      errors: [{ field: "current_password", message: "Your current password is not correct." }],
    });
  }
  const problems = passwordProblems(input.new_password, user);
  if (problems.length) throw weakPassword(problems, "new_password");
  await setPassword(ctx, userId, input.new_password, "account.password_changed", keepSessionId);
}

/** Always answers the same, whether or not the address has an account. */
export async function requestPasswordReset(ctx: ServiceContext, email: string): Promise<void> {
  await enforceRate(ctx.env, "passwordResetIp", ctx.meta.ip);
  await enforceRate(ctx.env, "passwordResetAccount", email);
  const user = await ctx.db.query.users.findFirst({ where: eq(users.email, email) });
  if (!user) return;
  const token = randomToken(32);
  const mail = mailStatement(ctx, {
    to: user.email,
    subject: "Reset your Folio password",
    paragraphs: [
      "Someone asked to reset the password of your Folio account. If it was you, choose a new password below; the link works for one hour.",
      "If it was not you, ignore this e-mail: your password stays as it is.",
    ],
    link: {
      label: "Choose a new password",
      url: `${ctx.meta.origin}/reset-password?token=${token}`,
    },
  });
  await ctx.db.batch([
    ctx.db.insert(emailTokens).values({
      id: await sha256Hex(token),
      userId: user.id,
      purpose: "reset_password",
      expiresAt: new Date(Date.now() + RESET_TTL_MS).toISOString(),
    }),
    mail.statement,
    auditStatement(ctx, {
      action: "account.password_reset_requested",
      actor: { kind: "anonymous" },
      targetType: "user",
      targetId: user.id,
    }),
  ]);
  dispatchMail(ctx, mail.id);
}

export async function resetPassword(
  ctx: ServiceContext,
  input: z.infer<typeof resetPasswordInput>,
): Promise<void> {
  const tokenId = await sha256Hex(input.token);
  const pending = await ctx.db.query.emailTokens.findFirst({ where: eq(emailTokens.id, tokenId) });
  const user = pending
    ? await ctx.db.query.users.findFirst({ where: eq(users.id, pending.userId) })
    : undefined;
  const problems = passwordProblems(input.password, user ?? {});
  if (problems.length) throw weakPassword(problems, "password");

  const userId = await spendEmailToken(ctx, input.token, "reset_password");
  if (!userId)
    throw problem(400, "This reset link is invalid or has expired. Ask for a new one.", {
      code: "invalid_token",
    });
  // Following the link proved the address is theirs.
  await setPassword(ctx, userId, input.password, "account.password_reset", undefined, true);
}

/** New hash, every other session and every refresh token revoked, owner told. */
async function setPassword(
  ctx: ServiceContext,
  userId: string,
  password: string,
  action: string,
  keepSessionId?: string,
  verifiesEmail = false,
) {
  const now = new Date().toISOString();
  const passwordHash = await hashPassword(password, ctx.env.PASSWORD_PEPPER);
  const user = await ctx.db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user) throw problem(404, "Account not found.");
  const mail = mailStatement(ctx, {
    to: user.email,
    subject: "Your Folio password was changed",
    paragraphs: [
      "The password of your Folio account was just changed, and you were signed out everywhere else.",
      "If this was not you, reset your password now and review your sessions.",
    ],
  });
  await ctx.db.batch([
    ctx.db
      .update(users)
      .set({
        passwordHash,
        updatedAt: now,
        ...(verifiesEmail && !user.emailVerifiedAt ? { emailVerifiedAt: now } : {}),
      })
      .where(eq(users.id, userId)),
    revokeSessionsStatement(ctx, userId, keepSessionId),
    ctx.db
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt))),
    mail.statement,
    auditStatement(ctx, {
      action,
      actor: { kind: "user", userId, via: "session" },
      targetType: "user",
      targetId: userId,
    }),
  ]);
  dispatchMail(ctx, mail.id);
}

// ---- profile ------------------------------------------------------------------------

export async function getProfile(ctx: ServiceContext, userId: string): Promise<Profile> {
  const user = await ctx.db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user) throw problem(404, "Account not found.");
  return toProfile(user);
}

export async function updateProfile(
  ctx: ServiceContext,
  userId: string,
  input: z.infer<typeof profileInput>,
): Promise<Profile> {
  if (input.handle) {
    const owner = await ctx.db.query.users.findFirst({ where: eq(users.handle, input.handle) });
    if (owner && owner.id !== userId) {
      throw problem(409, "That handle is taken.", {
        code: "handle_taken",
        errors: [{ field: "handle", message: "That handle is taken." }],
      });
    }
  }
  const [updated] = await ctx.db
    .update(users)
    .set({ ...input, updatedAt: new Date().toISOString() })
    .where(eq(users.id, userId))
    .returning();
  if (!updated) throw problem(404, "Account not found.");
  return toProfile(updated);
}

/** A free handle derived from a name: `ada-lovelace`, then `ada-lovelace-2`, … */
export async function availableHandle(ctx: ServiceContext, from: string): Promise<string> {
  const base = slugify(from, 32) || "writer";
  const padded = base.length >= 2 ? base : `${base}-writer`;
  for (let n = 1; n < 50; n++) {
    const candidate = n === 1 ? padded : `${padded}-${n}`;
    const taken = await ctx.db.query.users.findFirst({
      where: eq(users.handle, candidate),
      columns: { id: true },
    });
    if (!taken) return candidate;
  }
  return `${padded}-${randomToken(4)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")}`;
}
