import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { invitations, memberships, publications, ROLES, type Role, users } from "../db/schema";
import { randomToken, sha256Hex, uuidv7 } from "../lib/crypto";
import { problem } from "../lib/problem";
import { emailSchema } from "./accounts";
import { auditStatement } from "./audit";
import { scopes } from "./cache";
import type { Actor, ServiceContext } from "./context";
import { dispatchMail, mailStatement } from "./email";
import { purgePublicationMedia } from "./media";
import { type Action, assignableRoles, can, scopesAllow } from "./permissions";

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Paths under `/@{slug}` and words that would read as ours, not a publication's. */
const RESERVED_SLUGS = new Set([
  "admin",
  "api",
  "app",
  "assets",
  "account",
  "auth",
  "dev",
  "docs",
  "folio",
  "help",
  "login",
  "logout",
  "media",
  "new",
  "settings",
  "signup",
  "static",
  "status",
  "support",
  "www",
  "root",
]);

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const publicationSlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "Use at least 2 characters.")
  .max(48, "Use at most 48 characters.")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lower-case letters, digits and dashes.")
  .refine((s) => !RESERVED_SLUGS.has(s), "That address is reserved.")
  // An id-shaped slug could shadow another publication addressed by its id.
  .refine((s) => !UUID_SHAPE.test(s), "That address is reserved.");

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const publicationInput = z.object({
  slug: publicationSlugSchema,
  name: z.string().trim().min(1, "Give the publication a name.").max(100),
  description: z.string().trim().max(500).default(""),
  locale: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, "Use a locale like en or pt-BR.")
    .default("en"),
  timezone: z.string().trim().refine(isValidTimeZone, "Unknown time zone.").default("UTC"),
});

// No defaults here: a PATCH changes only the fields it names.
export const publicationUpdateInput = z.object({
  name: z.string().trim().min(1, "Give the publication a name.").max(100).optional(),
  description: z.string().trim().max(500).optional(),
  locale: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, "Use a locale like en or pt-BR.")
    .optional(),
  timezone: z.string().trim().refine(isValidTimeZone, "Unknown time zone.").optional(),
});

export const invitationInput = z.object({
  email: emailSchema,
  role: z.enum(ROLES).exclude(["owner"]),
});

export const roleChangeInput = z.object({ role: z.enum(ROLES).exclude(["owner"]) });
export const transferInput = z.object({ user_id: z.string().min(1).max(64) });
export const acceptInvitationInput = z.object({ token: z.string().min(10).max(100) });

export type PublicationRow = typeof publications.$inferSelect;

export function toPublicationView(p: PublicationRow, role?: Role | null) {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    locale: p.locale,
    timezone: p.timezone,
    created_at: p.createdAt,
    ...(role ? { role } : {}),
  };
}

export interface PublicationAccess {
  publication: PublicationRow;
  /** The member's role; null for API keys, which act through scopes. */
  role: Role | null;
  actor: Actor;
}

/**
 * The tenant gate every publication-scoped service goes through. A publication
 * the actor is not a member of answers 404 (its existence is not disclosed);
 * a member without the permission gets 403.
 */
export async function accessPublication(
  ctx: ServiceContext,
  actor: Actor,
  ref: string,
  action: Action,
): Promise<PublicationAccess> {
  const notFound = () => problem(404, "No such publication.");
  const publication = await ctx.db.query.publications.findFirst({
    where: UUID_SHAPE.test(ref)
      ? eq(publications.id, ref)
      : eq(publications.slug, ref.toLowerCase()),
  });
  if (!publication) throw notFound();

  if (actor.kind === "api_key") {
    if (actor.publicationId !== publication.id) throw notFound();
    if (!scopesAllow(actor.scopes, action)) {
      throw problem(403, `This API key's scopes do not allow ${action}.`, {
        code: "insufficient_scope",
      });
    }
    return { publication, role: null, actor };
  }
  const membership = await ctx.db.query.memberships.findFirst({
    where: and(eq(memberships.publicationId, publication.id), eq(memberships.userId, actor.userId)),
  });
  if (!membership) throw notFound();
  if (!can(membership.role, action)) {
    throw problem(403, `Your role (${membership.role}) does not allow this.`, {
      code: "forbidden",
    });
  }
  return { publication, role: membership.role, actor };
}

const requireUser = (actor: Actor) => {
  if (actor.kind !== "user") throw problem(403, "API keys cannot do this; sign in as a member.");
  return actor;
};

// ---- publications -------------------------------------------------------------------

export async function createPublication(
  ctx: ServiceContext,
  actor: Actor,
  input: z.infer<typeof publicationInput>,
) {
  const user = requireUser(actor);
  const taken = await ctx.db.query.publications.findFirst({
    where: eq(publications.slug, input.slug),
    columns: { id: true },
  });
  if (taken) throw slugTaken();
  const id = uuidv7();
  try {
    await ctx.db.batch([
      ctx.db.insert(publications).values({ id, ...input }),
      ctx.db.insert(memberships).values({ publicationId: id, userId: user.userId, role: "owner" }),
      auditStatement(ctx, {
        action: "publication.created",
        actor,
        publicationId: id,
        targetType: "publication",
        targetId: id,
      }),
    ]);
  } catch (err) {
    if (String(err).includes("UNIQUE")) throw slugTaken();
    throw err;
  }
  const created = await ctx.db.query.publications.findFirst({ where: eq(publications.id, id) });
  return toPublicationView(created!, "owner");
}

const slugTaken = () =>
  problem(409, "That address is taken.", {
    code: "slug_taken",
    errors: [{ field: "slug", message: "That address is taken." }],
  });

export async function listMyPublications(ctx: ServiceContext, actor: Actor) {
  if (actor.kind === "api_key") {
    const p = await ctx.db.query.publications.findFirst({
      where: eq(publications.id, actor.publicationId),
    });
    return p ? [toPublicationView(p)] : [];
  }
  const rows = await ctx.db
    .select({ publication: publications, role: memberships.role })
    .from(memberships)
    .innerJoin(publications, eq(publications.id, memberships.publicationId))
    .where(eq(memberships.userId, actor.userId))
    .orderBy(asc(publications.name));
  return rows.map((r) => toPublicationView(r.publication, r.role));
}

export async function getPublication(ctx: ServiceContext, actor: Actor, ref: string) {
  const access = await accessPublication(ctx, actor, ref, "publication.read");
  return toPublicationView(access.publication, access.role);
}

export async function updatePublication(
  ctx: ServiceContext,
  actor: Actor,
  ref: string,
  input: z.infer<typeof publicationUpdateInput>,
) {
  const { publication, role } = await accessPublication(ctx, actor, ref, "publication.update");
  const [updated] = await ctx.db.batch([
    ctx.db
      .update(publications)
      .set({ ...input, updatedAt: new Date().toISOString() })
      .where(eq(publications.id, publication.id))
      .returning(),
    auditStatement(ctx, {
      action: "publication.updated",
      actor,
      publicationId: publication.id,
      targetType: "publication",
      targetId: publication.id,
      metadata: { fields: Object.keys(input) },
    }),
  ]);
  await retirePublicationPages(ctx, publication);
  return toPublicationView(updated[0]!, role);
}

export async function deletePublication(ctx: ServiceContext, actor: Actor, ref: string) {
  const { publication } = await accessPublication(ctx, actor, ref, "publication.delete");
  await ctx.db.batch([
    auditStatement(ctx, {
      action: "publication.deleted",
      actor,
      publicationId: publication.id,
      targetType: "publication",
      targetId: publication.id,
      metadata: { slug: publication.slug },
    }),
    ctx.db.delete(publications).where(eq(publications.id, publication.id)),
  ]);
  await retirePublicationPages(ctx, publication);
  // Rows went with the cascade; the files in R2 are removed in the background.
  ctx.waitUntil(purgePublicationMedia(ctx.env, publication.id));
}

/** Name, description and the like appear on every page: retire them all. */
async function retirePublicationPages(ctx: ServiceContext, publication: PublicationRow) {
  const hub = ctx.env.PUBLICATION_HUB.get(ctx.env.PUBLICATION_HUB.idFromName(publication.id));
  await hub.retire([scopes.publication(publication.slug)]);
}

// ---- members --------------------------------------------------------------------------

export async function listMembers(ctx: ServiceContext, actor: Actor, ref: string) {
  const { publication } = await accessPublication(ctx, actor, ref, "members.read");
  const rows = await ctx.db
    .select({
      userId: users.id,
      name: users.name,
      handle: users.handle,
      role: memberships.role,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.publicationId, publication.id))
    .orderBy(asc(memberships.createdAt));
  // Members see each other's names and handles, never each other's e-mail.
  return rows.map((r) => ({
    user_id: r.userId,
    name: r.name,
    handle: r.handle,
    role: r.role,
    since: r.since,
  }));
}

function requireManageable(actorRole: Role | null, targetRole: Role, newRole?: Role) {
  const allowed = actorRole ? assignableRoles(actorRole) : [];
  if (!allowed.includes(targetRole) || (newRole && !allowed.includes(newRole))) {
    throw problem(403, "Your role cannot change members with that role.", { code: "forbidden" });
  }
}

async function findMember(ctx: ServiceContext, publicationId: string, userId: string) {
  const m = await ctx.db.query.memberships.findFirst({
    where: and(eq(memberships.publicationId, publicationId), eq(memberships.userId, userId)),
  });
  if (!m) throw problem(404, "No such member.");
  return m;
}

export async function changeMemberRole(
  ctx: ServiceContext,
  actor: Actor,
  ref: string,
  userId: string,
  role: Exclude<Role, "owner">,
) {
  const access = await accessPublication(ctx, actor, ref, "members.manage");
  const member = await findMember(ctx, access.publication.id, userId);
  requireManageable(access.role, member.role, role);
  await ctx.db.batch([
    ctx.db
      .update(memberships)
      .set({ role })
      .where(
        and(eq(memberships.publicationId, access.publication.id), eq(memberships.userId, userId)),
      ),
    auditStatement(ctx, {
      action: "member.role_changed",
      actor,
      publicationId: access.publication.id,
      targetType: "user",
      targetId: userId,
      metadata: { from: member.role, to: role },
    }),
  ]);
  return { user_id: userId, role };
}

export async function removeMember(ctx: ServiceContext, actor: Actor, ref: string, userId: string) {
  const access = await accessPublication(ctx, actor, ref, "members.manage");
  const member = await findMember(ctx, access.publication.id, userId);
  requireManageable(access.role, member.role);
  await ctx.db.batch([
    ctx.db
      .delete(memberships)
      .where(
        and(eq(memberships.publicationId, access.publication.id), eq(memberships.userId, userId)),
      ),
    auditStatement(ctx, {
      action: "member.removed",
      actor,
      publicationId: access.publication.id,
      targetType: "user",
      targetId: userId,
      metadata: { role: member.role },
    }),
  ]);
}

/** Any member may leave, except the owner, who must transfer ownership first. */
export async function leavePublication(ctx: ServiceContext, actor: Actor, ref: string) {
  const user = requireUser(actor);
  const access = await accessPublication(ctx, actor, ref, "publication.read");
  if (access.role === "owner") {
    throw problem(409, "Transfer ownership to another member before leaving.", {
      code: "owner_cannot_leave",
    });
  }
  await ctx.db.batch([
    ctx.db
      .delete(memberships)
      .where(
        and(
          eq(memberships.publicationId, access.publication.id),
          eq(memberships.userId, user.userId),
        ),
      ),
    auditStatement(ctx, {
      action: "member.left",
      actor,
      publicationId: access.publication.id,
      targetType: "user",
      targetId: user.userId,
    }),
  ]);
}

export async function transferOwnership(
  ctx: ServiceContext,
  actor: Actor,
  ref: string,
  toUserId: string,
) {
  const user = requireUser(actor);
  const access = await accessPublication(ctx, actor, ref, "publication.transfer");
  if (toUserId === user.userId) throw problem(409, "You already own this publication.");
  await findMember(ctx, access.publication.id, toUserId);
  const pubId = access.publication.id;
  await ctx.db.batch([
    ctx.db
      .update(memberships)
      .set({ role: "owner" })
      .where(and(eq(memberships.publicationId, pubId), eq(memberships.userId, toUserId))),
    ctx.db
      .update(memberships)
      .set({ role: "admin" })
      .where(and(eq(memberships.publicationId, pubId), eq(memberships.userId, user.userId))),
    auditStatement(ctx, {
      action: "publication.ownership_transferred",
      actor,
      publicationId: pubId,
      targetType: "user",
      targetId: toUserId,
    }),
  ]);
}

// ---- invitations ------------------------------------------------------------------------

/** `ada@example.com` -> `a**@example.com`: enough to recognise, not to harvest. */
export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}${"*".repeat(Math.max(2, local.length - 1))}@${domain}`;
}

export async function listInvitations(ctx: ServiceContext, actor: Actor, ref: string) {
  const { publication } = await accessPublication(ctx, actor, ref, "members.manage");
  const rows = await ctx.db.query.invitations.findMany({
    where: and(
      eq(invitations.publicationId, publication.id),
      isNull(invitations.acceptedAt),
      isNull(invitations.revokedAt),
    ),
    orderBy: asc(invitations.createdAt),
  });
  const now = new Date().toISOString();
  return rows.map((i) => ({
    id: i.id,
    email: maskEmail(i.email),
    role: i.role,
    created_at: i.createdAt,
    expires_at: i.expiresAt,
    expired: i.expiresAt <= now,
  }));
}

export async function inviteMember(
  ctx: ServiceContext,
  actor: Actor,
  ref: string,
  input: z.infer<typeof invitationInput>,
) {
  const access = await accessPublication(ctx, actor, ref, "members.manage");
  if (!assignableRoles(access.role ?? "contributor").includes(input.role)) {
    throw problem(403, "Your role cannot invite members with that role.", { code: "forbidden" });
  }
  const alreadyMember = await ctx.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.publicationId, access.publication.id), eq(users.email, input.email)))
    .get();
  if (alreadyMember) {
    throw problem(409, "That person is already a member.", { code: "already_member" });
  }
  const token = randomToken(32);
  const id = uuidv7();
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS).toISOString();
  const mail = mailStatement(ctx, {
    to: input.email,
    subject: `You are invited to ${access.publication.name} on Folio`,
    paragraphs: [
      `You have been invited to join ${access.publication.name} as ${input.role === "admin" || input.role === "editor" || input.role === "author" ? `an ${input.role}` : `a ${input.role}`}.`,
      "Sign in (or create an account with this e-mail address) to accept. The invitation works for 7 days.",
    ],
    link: {
      label: "Accept invitation",
      url: `${ctx.meta.origin}/invitations/accept?token=${token}`,
    },
  });
  await ctx.db.batch([
    ctx.db.insert(invitations).values({
      id,
      publicationId: access.publication.id,
      email: input.email,
      role: input.role,
      tokenHash: await sha256Hex(token),
      invitedBy: actor.kind === "user" ? actor.userId : null,
      expiresAt,
    }),
    mail.statement,
    auditStatement(ctx, {
      action: "member.invited",
      actor,
      publicationId: access.publication.id,
      targetType: "invitation",
      targetId: id,
      metadata: { role: input.role },
    }),
  ]);
  dispatchMail(ctx, mail.id);
  return { id, email: maskEmail(input.email), role: input.role, expires_at: expiresAt };
}

export async function revokeInvitation(
  ctx: ServiceContext,
  actor: Actor,
  ref: string,
  invitationId: string,
) {
  const access = await accessPublication(ctx, actor, ref, "members.manage");
  const result = await ctx.db
    .update(invitations)
    .set({ revokedAt: new Date().toISOString() })
    .where(
      and(
        eq(invitations.id, invitationId),
        eq(invitations.publicationId, access.publication.id),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .returning({ id: invitations.id });
  if (!result.length) throw problem(404, "No such invitation.");
  await auditStatement(ctx, {
    action: "member.invitation_revoked",
    actor,
    publicationId: access.publication.id,
    targetType: "invitation",
    targetId: invitationId,
  });
}

/**
 * Accepting needs a signed-in account whose verified e-mail is the invited
 * one: the link alone is not enough, and nobody can pre-claim an invitation.
 */
export async function acceptInvitation(ctx: ServiceContext, actor: Actor, token: string) {
  const user = requireUser(actor);
  const invalid = () =>
    problem(400, "This invitation is invalid, expired or already used.", { code: "invalid_token" });
  const invitation = await ctx.db.query.invitations.findFirst({
    where: eq(invitations.tokenHash, await sha256Hex(token)),
  });
  const now = new Date().toISOString();
  if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= now) {
    throw invalid();
  }
  const account = await ctx.db.query.users.findFirst({ where: eq(users.id, user.userId) });
  if (!account || account.email !== invitation.email) {
    throw problem(403, "This invitation was sent to a different e-mail address.", {
      code: "wrong_account",
    });
  }
  if (!account.emailVerifiedAt) {
    throw problem(403, "Confirm your e-mail address first, then accept the invitation.", {
      code: "email_not_verified",
    });
  }
  const existing = await ctx.db.query.memberships.findFirst({
    where: and(
      eq(memberships.publicationId, invitation.publicationId),
      eq(memberships.userId, user.userId),
    ),
  });
  if (existing)
    throw problem(409, "You are already a member of this publication.", { code: "already_member" });

  await ctx.db.batch([
    ctx.db.update(invitations).set({ acceptedAt: now }).where(eq(invitations.id, invitation.id)),
    ctx.db.insert(memberships).values({
      publicationId: invitation.publicationId,
      userId: user.userId,
      role: invitation.role,
    }),
    auditStatement(ctx, {
      action: "member.joined",
      actor,
      publicationId: invitation.publicationId,
      targetType: "user",
      targetId: user.userId,
      metadata: { role: invitation.role, invitation_id: invitation.id },
    }),
  ]);
  const publication = await ctx.db.query.publications.findFirst({
    where: eq(publications.id, invitation.publicationId),
  });
  return toPublicationView(publication!, invitation.role);
}
