import { z } from "zod";
import { type ProblemStatus, problemTypes } from "../lib/problem";
import {
  changePasswordInput,
  forgotPasswordInput,
  logInInput,
  profileInput,
  resetPasswordInput,
  signUpInput,
  verifyEmailInput,
} from "../services/accounts";
import { apiKeyInput } from "../services/api-keys";
import { revokeInput, tokenRequestInput } from "../services/auth-tokens";
import { mediaListQuery, mediaUpdateInput, PART_BYTES, uploadCreateInput } from "../services/media";
import type { ApiKeyScope } from "../services/permissions";
import { postInput, postListQuery, postUpdateInput } from "../services/posts";
import {
  acceptInvitationInput,
  invitationInput,
  publicationInput,
  publicationUpdateInput,
  roleChangeInput,
  transferInput,
} from "../services/publications";
import { scheduleInput } from "../services/publishing";
import { listQuery, searchQuery } from "../services/reading";
import { SESSION_COOKIE } from "../services/sessions";

/**
 * The OpenAPI 3.1 description of /api, built from the very zod schemas the
 * routes validate with: a field added to `postInput` shows up here without
 * anyone touching this file. What is declared by hand is what zod cannot know:
 * paths, summaries, who may call, and which errors to expect.
 *
 * test/api/openapi.test.ts compares this list with the routes Hono actually
 * registered, in both directions, so an undocumented route fails the build.
 */

// ---- declarations --------------------------------------------------------------

/**
 * - `none`: public, no credential needed.
 * - `session_or_token`: a signed-in person (session cookie or bearer access
 *   token); API keys are refused with 403.
 * - `api_key_ok`: as above, or a publication API key with the listed scopes.
 */
export type Auth = "none" | "session_or_token" | "api_key_ok";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export const TAGS = [
  { name: "Auth", description: "Sign up, log in, tokens for API clients, password reset." },
  { name: "Account", description: "The signed-in person: profile, password, sessions." },
  { name: "Publications", description: "Publications the caller belongs to." },
  { name: "Members", description: "Who works on a publication, and in which role." },
  { name: "Invitations", description: "Inviting people to a publication by e-mail." },
  { name: "API keys", description: "Publication API keys for machine clients." },
  { name: "Posts", description: "Drafting, editing, publishing and revisions (Admin API)." },
  {
    name: "Media",
    description:
      "A publication's files: images, video, audio and PDF, stored in R2. The type is decided from the bytes, never the name; SVG and anything with markup is refused. Identical bytes are stored once per publication. Files are served from their `url` (`/media/…`).",
  },
  {
    name: "Content",
    description:
      "The public, read-only Content API: published content only, CORS `*`, cached at the edge with ETag/304.",
  },
  { name: "Operations", description: "Health, liveness and this reference." },
] as const;

export type Tag = (typeof TAGS)[number]["name"];

/** Reusable request headers, in `components.parameters`. */
type HeaderParam = "IfMatch" | "IdempotencyKey" | "FileName";

type JsonSchema = Record<string, unknown>;

export interface Operation {
  method: HttpMethod;
  /** OpenAPI form, with the /api prefix: `/api/v1/publications/{pub}/posts/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  auth: Auth;
  /** For `api_key_ok`: the scopes a key needs. */
  scopes?: ApiKeyScope[];
  /** Object schema of the path parameters; its keys must match the `{names}` in `path`. */
  params?: z.ZodObject;
  /** Object schema of the query string. */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Defaults to JSON only. */
  bodyTypes?: string[];
  /** Descriptions for body fields, merged into the generated schema. */
  bodyNotes?: Record<string, string>;
  bodyRequired?: boolean;
  /** A body that is not a zod-validated document (file bytes): its `content` map as is. */
  rawBody?: Record<string, { schema: JsonSchema }>;
  headers?: HeaderParam[];
  success: {
    status: number;
    description: string;
    /** Defaults to application/json; ignored for 204. */
    contentType?: string;
    schema?: JsonSchema;
    headers?: Record<string, string>;
  };
  /** Other non-error answers, e.g. 301 or 304. */
  otherResponses?: Record<number, string>;
  /**
   * Errors particular to this operation. The builder adds the ones that follow
   * from the declaration: 400 for params/query, 413/415/422 for a JSON body,
   * 401 when a credential is needed, 403 when API keys are refused.
   */
  errors?: ProblemStatus[];
}

// Path parameters. The routes declare the same schemas locally (not exported,
// so they are mirrored here); the drift test checks the names against the paths.
const pubRef = z.string().min(1).max(64).describe("Publication slug, or its id.");
const entityId = z.string().min(1).max(64);
const pubParam = z.object({ pub: pubRef });
const postParam = pubParam.extend({ id: entityId.describe("Post id.") });
const revisionParam = postParam.extend({
  version: z.coerce.number().int().positive().describe("Revision number (the post version)."),
});
const slugParam = pubParam.extend({
  slug: z.string().min(1).max(120).describe("Post slug. An old slug answers 301 to the new one."),
});
const sessionParam = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe("Session id, from GET /api/v1/me/sessions."),
});
const memberParam = pubParam.extend({ userId: entityId.describe("The member's user id.") });
const invitationParam = pubParam.extend({ invitationId: entityId.describe("Invitation id.") });
const keyParam = pubParam.extend({ keyId: entityId.describe("API key id.") });
const mediumParam = pubParam.extend({ id: entityId.describe("Medium id.") });
const uploadParam = pubParam.extend({ id: entityId.describe("Upload id.") });
const partParam = uploadParam.extend({
  n: z.coerce.number().int().min(1).max(10_000).describe("Part number, from 1 to `parts_total`."),
});
const uploadQuery = z.object({
  filename: z
    .string()
    .max(1000)
    .optional()
    .describe("The file's name, when not sent as X-File-Name (metadata only)."),
});
const FILE_BYTES = {
  type: "string",
  contentMediaType: "application/octet-stream",
  description: "The file's bytes. Its type is decided from the contents; Content-Type is ignored.",
};

// Response shapes simple enough to state (the API's answers are not zod-validated).
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const listOf = (items: JsonSchema = {}) => ({
  type: "object",
  required: ["data"],
  properties: { data: { type: "array", items } },
});
const pageOf = (items: JsonSchema = {}) => ({
  type: "object",
  required: ["data", "next_cursor"],
  properties: {
    data: { type: "array", items },
    next_cursor: {
      type: ["string", "null"],
      description: "Pass as `cursor` for the next page; null on the last page.",
    },
  },
});

const ACCEPTED = {
  status: 202,
  description: "Accepted. The answer is the same whether or not the address has an account.",
  schema: ref("Accepted"),
} as const;

export const operations: Operation[] = [
  // ---- Auth ----------------------------------------------------------------------
  {
    method: "post",
    path: "/api/v1/auth/signup",
    operationId: "signUp",
    summary: "Create an account",
    description: "Sends a confirmation e-mail. Rate-limited per client IP.",
    tag: "Auth",
    auth: "none",
    body: signUpInput,
    success: ACCEPTED,
    errors: [409, 429],
  },
  {
    method: "post",
    path: "/api/v1/auth/login",
    operationId: "logIn",
    summary: "Log in with a session cookie",
    description: `For browser clients: sets the \`${SESSION_COOKIE}\` cookie (a new session id on every login).`,
    tag: "Auth",
    auth: "none",
    body: logInInput,
    success: {
      status: 200,
      description: "Logged in.",
      schema: {
        type: "object",
        properties: { user: ref("Profile"), session_expires_at: { type: "string" } },
      },
      headers: { "Set-Cookie": "The session cookie." },
    },
    errors: [401, 429],
  },
  {
    method: "post",
    path: "/api/v1/auth/logout",
    operationId: "logOut",
    summary: "Log out",
    description: "Revokes the cookie's session, if any, and clears the cookie.",
    tag: "Auth",
    auth: "none",
    success: { status: 204, description: "Logged out." },
  },
  {
    method: "post",
    path: "/api/v1/auth/token",
    operationId: "issueToken",
    summary: "Get an access token (OAuth 2.0 password or refresh_token grant)",
    description:
      "Returns a 15-minute JWT access token and a refresh token. Refresh tokens rotate on every use; reusing a spent one revokes its whole family. Invalid fields answer 400 `invalid_request`.",
    tag: "Auth",
    auth: "none",
    body: tokenRequestInput,
    bodyTypes: ["application/x-www-form-urlencoded", "application/json"],
    success: { status: 200, description: "Tokens issued.", schema: ref("TokenResponse") },
    errors: [400, 401, 415, 429],
  },
  {
    method: "post",
    path: "/api/v1/auth/revoke",
    operationId: "revokeToken",
    summary: "Revoke a refresh token (RFC 7009)",
    tag: "Auth",
    auth: "none",
    body: revokeInput,
    bodyTypes: ["application/x-www-form-urlencoded", "application/json"],
    success: { status: 200, description: "Revoked (also when the token was unknown)." },
    errors: [400, 415],
  },
  {
    method: "post",
    path: "/api/v1/auth/verify-email",
    operationId: "verifyEmail",
    summary: "Confirm an e-mail address",
    tag: "Auth",
    auth: "none",
    body: verifyEmailInput,
    bodyNotes: { token: "The token from the confirmation e-mail." },
    success: { status: 200, description: "Address confirmed." },
    errors: [400],
  },
  {
    method: "post",
    path: "/api/v1/auth/verify-email/resend",
    operationId: "resendVerification",
    summary: "Send the confirmation e-mail again",
    tag: "Auth",
    auth: "session_or_token",
    success: ACCEPTED,
    errors: [429],
  },
  {
    method: "post",
    path: "/api/v1/auth/password/forgot",
    operationId: "forgotPassword",
    summary: "Ask for a password reset e-mail",
    tag: "Auth",
    auth: "none",
    body: forgotPasswordInput,
    success: ACCEPTED,
    errors: [429],
  },
  {
    method: "post",
    path: "/api/v1/auth/password/reset",
    operationId: "resetPassword",
    summary: "Set a new password with a reset token",
    description: "Revokes every session of the account.",
    tag: "Auth",
    auth: "none",
    body: resetPasswordInput,
    bodyNotes: { token: "The token from the reset e-mail." },
    success: { status: 200, description: "Password changed." },
    errors: [400],
  },

  // ---- Account -------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/me",
    operationId: "getProfile",
    summary: "Who am I",
    tag: "Account",
    auth: "session_or_token",
    success: { status: 200, description: "The caller's profile.", schema: ref("Profile") },
    errors: [404],
  },
  {
    method: "patch",
    path: "/api/v1/me",
    operationId: "updateProfile",
    summary: "Change name or handle",
    tag: "Account",
    auth: "session_or_token",
    body: profileInput,
    success: { status: 200, description: "The updated profile.", schema: ref("Profile") },
    errors: [404, 409],
  },
  {
    method: "post",
    path: "/api/v1/me/password",
    operationId: "changePassword",
    summary: "Change password",
    description: "Revokes every other session.",
    tag: "Account",
    auth: "session_or_token",
    body: changePasswordInput,
    success: { status: 204, description: "Password changed." },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/v1/me/sessions",
    operationId: "listSessions",
    summary: "List my sessions",
    tag: "Account",
    auth: "session_or_token",
    success: {
      status: 200,
      description: "Active sessions, the current one marked.",
      schema: listOf(),
    },
  },
  {
    method: "delete",
    path: "/api/v1/me/sessions/{id}",
    operationId: "revokeSession",
    summary: "Revoke one of my sessions",
    tag: "Account",
    auth: "session_or_token",
    params: sessionParam,
    success: { status: 204, description: "Revoked; the cookie is cleared when it was this one." },
    errors: [404],
  },

  // ---- Publications --------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/publications",
    operationId: "listPublications",
    summary: "List my publications",
    description: "With an API key: the key's own publication.",
    tag: "Publications",
    auth: "api_key_ok",
    success: { status: 200, description: "Publications with the caller's role.", schema: listOf() },
  },
  {
    method: "post",
    path: "/api/v1/publications",
    operationId: "createPublication",
    summary: "Create a publication",
    description: "The caller becomes its owner.",
    tag: "Publications",
    auth: "session_or_token",
    headers: ["IdempotencyKey"],
    body: publicationInput,
    bodyNotes: {
      slug: "Its address: /@slug. Some names are reserved.",
      timezone: "An IANA time zone, e.g. Europe/Lisbon.",
    },
    success: {
      status: 201,
      description: "Created.",
      headers: { Location: "The new publication's URL." },
    },
    errors: [409],
  },
  {
    method: "get",
    path: "/api/v1/publications/{pub}",
    operationId: "getPublication",
    summary: "Get a publication",
    tag: "Publications",
    auth: "api_key_ok",
    scopes: ["posts:read"],
    params: pubParam,
    success: { status: 200, description: "The publication." },
    errors: [403, 404],
  },
  {
    method: "patch",
    path: "/api/v1/publications/{pub}",
    operationId: "updatePublication",
    summary: "Change a publication's settings",
    tag: "Publications",
    auth: "session_or_token",
    params: pubParam,
    body: publicationUpdateInput,
    success: { status: 200, description: "The updated publication." },
    errors: [403, 404],
  },
  {
    method: "delete",
    path: "/api/v1/publications/{pub}",
    operationId: "deletePublication",
    summary: "Delete a publication (owner only)",
    tag: "Publications",
    auth: "session_or_token",
    params: pubParam,
    success: { status: 204, description: "Deleted." },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/transfer",
    operationId: "transferOwnership",
    summary: "Hand ownership to another member",
    tag: "Publications",
    auth: "session_or_token",
    params: pubParam,
    body: transferInput,
    success: { status: 204, description: "Transferred; the old owner becomes an admin." },
    errors: [404, 409],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/leave",
    operationId: "leavePublication",
    summary: "Leave a publication",
    tag: "Publications",
    auth: "session_or_token",
    params: pubParam,
    success: { status: 204, description: "Left." },
    errors: [404, 409],
  },

  // ---- Members -------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/publications/{pub}/members",
    operationId: "listMembers",
    summary: "List members",
    tag: "Members",
    auth: "session_or_token",
    params: pubParam,
    success: { status: 200, description: "Members and their roles.", schema: listOf() },
    errors: [404],
  },
  {
    method: "patch",
    path: "/api/v1/publications/{pub}/members/{userId}",
    operationId: "changeMemberRole",
    summary: "Change a member's role",
    tag: "Members",
    auth: "session_or_token",
    params: memberParam,
    body: roleChangeInput,
    success: { status: 200, description: "The member with the new role." },
    errors: [404],
  },
  {
    method: "delete",
    path: "/api/v1/publications/{pub}/members/{userId}",
    operationId: "removeMember",
    summary: "Remove a member",
    tag: "Members",
    auth: "session_or_token",
    params: memberParam,
    success: { status: 204, description: "Removed." },
    errors: [404],
  },

  // ---- Invitations ---------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/publications/{pub}/invitations",
    operationId: "listInvitations",
    summary: "List open invitations",
    tag: "Invitations",
    auth: "session_or_token",
    params: pubParam,
    success: { status: 200, description: "Invitations not yet accepted.", schema: listOf() },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/invitations",
    operationId: "inviteMember",
    summary: "Invite someone by e-mail",
    tag: "Invitations",
    auth: "session_or_token",
    headers: ["IdempotencyKey"],
    params: pubParam,
    body: invitationInput,
    success: { status: 201, description: "Invitation sent." },
    errors: [404, 409],
  },
  {
    method: "delete",
    path: "/api/v1/publications/{pub}/invitations/{invitationId}",
    operationId: "revokeInvitation",
    summary: "Withdraw an invitation",
    tag: "Invitations",
    auth: "session_or_token",
    params: invitationParam,
    success: { status: 204, description: "Withdrawn." },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/v1/me/invitations/accept",
    operationId: "acceptInvitation",
    summary: "Accept an invitation",
    description: "The invitation must be addressed to the caller's confirmed e-mail address.",
    tag: "Invitations",
    auth: "session_or_token",
    body: acceptInvitationInput,
    bodyNotes: { token: "The token from the invitation e-mail." },
    success: { status: 200, description: "The publication joined." },
    errors: [400, 409],
  },

  // ---- API keys ------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/publications/{pub}/api-keys",
    operationId: "listApiKeys",
    summary: "List API keys",
    description: "Secrets are never shown again; only their prefix.",
    tag: "API keys",
    auth: "session_or_token",
    params: pubParam,
    success: { status: 200, description: "Keys, revoked ones included.", schema: listOf() },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/api-keys",
    operationId: "createApiKey",
    summary: "Create an API key",
    description:
      "The answer holds the secret, once. An Idempotency-Key replay answers without it (`secret: null`).",
    tag: "API keys",
    auth: "session_or_token",
    headers: ["IdempotencyKey"],
    params: pubParam,
    body: apiKeyInput,
    success: { status: 201, description: "Created, with `secret`." },
    errors: [404],
  },
  {
    method: "delete",
    path: "/api/v1/publications/{pub}/api-keys/{keyId}",
    operationId: "revokeApiKey",
    summary: "Revoke an API key",
    tag: "API keys",
    auth: "session_or_token",
    params: keyParam,
    success: { status: 204, description: "Revoked." },
    errors: [404],
  },

  // ---- Posts ---------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/publications/{pub}/posts",
    operationId: "listPosts",
    summary: "List posts (all statuses)",
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:read"],
    params: pubParam,
    query: postListQuery,
    success: {
      status: 200,
      description: "A page of posts, newest change first.",
      schema: pageOf(),
    },
    errors: [403, 404],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/posts",
    operationId: "createPost",
    summary: "Create a draft",
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:write"],
    headers: ["IdempotencyKey"],
    params: pubParam,
    body: postInput,
    bodyNotes: {
      slug: "Made from the title when left out; made unique within the publication.",
      body_markdown: "Markdown; rendered and sanitised on the server.",
      feature_media_id: "A media id of this publication, or null.",
    },
    success: {
      status: 201,
      description: "The new draft (version 1).",
      headers: { Location: "The post's URL.", ETag: 'The post version, e.g. "1".' },
    },
    errors: [403, 404, 409],
  },
  {
    method: "get",
    path: "/api/v1/publications/{pub}/posts/{id}",
    operationId: "getPost",
    summary: "Get a post",
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:read"],
    params: postParam,
    success: {
      status: 200,
      description: "The post.",
      headers: { ETag: "The post version; send it back as If-Match." },
    },
    errors: [403, 404],
  },
  {
    method: "patch",
    path: "/api/v1/publications/{pub}/posts/{id}",
    operationId: "updatePost",
    summary: "Save changes to a post",
    description:
      "Name the version you started from (If-Match or `version`): a stale save is 412 with the current post in `current`.",
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:read", "posts:write"],
    headers: ["IfMatch"],
    params: postParam,
    body: postUpdateInput,
    bodyNotes: { version: "The version this edit started from, when If-Match is not sent." },
    success: {
      status: 200,
      description: "The saved post (version + 1).",
      headers: { ETag: "The new version." },
    },
    errors: [400, 403, 404, 409, 412, 428],
  },
  {
    method: "delete",
    path: "/api/v1/publications/{pub}/posts/{id}",
    operationId: "deletePost",
    summary: "Delete a post",
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:read", "posts:write"],
    params: postParam,
    success: { status: 204, description: "Deleted." },
    errors: [403, 404],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/posts/{id}/publish",
    operationId: "publishPost",
    summary: "Publish now",
    description: "Publishing twice is harmless: the second call changes nothing.",
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:read", "posts:publish"],
    params: postParam,
    success: { status: 200, description: "The published post." },
    errors: [403, 404],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/posts/{id}/unpublish",
    operationId: "unpublishPost",
    summary: "Take a post down",
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:read", "posts:publish"],
    params: postParam,
    success: { status: 200, description: "The post, back to draft." },
    errors: [403, 404],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/posts/{id}/schedule",
    operationId: "schedulePost",
    summary: "Schedule publication",
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:read", "posts:publish"],
    params: postParam,
    body: scheduleInput,
    bodyNotes: {
      publish_at:
        "ISO-8601 instant with a time zone, e.g. 2026-12-01T09:00:00+01:00; in the future. Seconds are dropped.",
    },
    success: { status: 200, description: "The scheduled post." },
    errors: [403, 404],
  },
  {
    method: "delete",
    path: "/api/v1/publications/{pub}/posts/{id}/schedule",
    operationId: "unschedulePost",
    summary: "Cancel a scheduled publication",
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:read", "posts:publish"],
    params: postParam,
    success: { status: 200, description: "The post, back to draft." },
    errors: [403, 404],
  },
  {
    method: "get",
    path: "/api/v1/publications/{pub}/posts/{id}/revisions",
    operationId: "listRevisions",
    summary: "List a post's revisions",
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:read"],
    params: postParam,
    success: { status: 200, description: "Revisions, newest first.", schema: listOf() },
    errors: [403, 404],
  },
  {
    method: "get",
    path: "/api/v1/publications/{pub}/posts/{id}/revisions/{version}",
    operationId: "getRevision",
    summary: "Get one revision",
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:read"],
    params: revisionParam,
    success: { status: 200, description: "The revision, with its Markdown." },
    errors: [403, 404],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/posts/{id}/revisions/{version}/restore",
    operationId: "restoreRevision",
    summary: "Restore a revision",
    description:
      'Saves the revision\'s content as a new version. Name the current version with If-Match (or a JSON body `{ "version": n }`).',
    tag: "Posts",
    auth: "api_key_ok",
    scopes: ["posts:read", "posts:write"],
    headers: ["IfMatch"],
    params: revisionParam,
    success: {
      status: 200,
      description: "The post after the restore.",
      headers: { ETag: "The new version." },
    },
    errors: [400, 403, 404, 412, 428],
  },

  // ---- Media ---------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/publications/{pub}/media",
    operationId: "listMedia",
    summary: "List media",
    description:
      "Newest first; with `q`, names starting with `q` in name order. An API key with `media:write` may read too.",
    tag: "Media",
    auth: "api_key_ok",
    scopes: ["posts:read"],
    params: pubParam,
    query: mediaListQuery,
    success: {
      status: 200,
      description: "A page of media, and the publication's storage use (`storage`).",
      schema: pageOf(),
    },
    errors: [403, 404],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/media",
    operationId: "uploadMedium",
    summary: "Upload a file in one request",
    description:
      "The raw bytes as the body (name in X-File-Name or `?filename=`), or multipart/form-data with a `file` field. Large files answer 413 `use_multipart_upload`: use POST …/media/uploads. Over the publication's quota is 413 `quota_exceeded`.",
    tag: "Media",
    auth: "api_key_ok",
    scopes: ["media:write"],
    headers: ["FileName"],
    params: pubParam,
    query: uploadQuery,
    rawBody: {
      "application/octet-stream": { schema: FILE_BYTES },
      "multipart/form-data": {
        schema: {
          type: "object",
          required: ["file"],
          properties: { file: { ...FILE_BYTES, description: "The file." } },
        },
      },
    },
    success: {
      status: 201,
      description: "Stored: the new medium, with `url` and `markdown`.",
      headers: { Location: "The medium's API URL." },
    },
    otherResponses: { 200: "The same bytes were already stored: the existing medium." },
    errors: [403, 404, 413, 415, 422],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/media/uploads",
    operationId: "createUpload",
    summary: "Start a multipart upload (large files)",
    description: `Declare the name and size; then PUT each part (every part but the last exactly \`part_size\` = ${PART_BYTES / 1024 / 1024} MiB, part 1 first), then complete. Uploads expire after 24 hours.`,
    tag: "Media",
    auth: "api_key_ok",
    scopes: ["media:write"],
    headers: ["IdempotencyKey"],
    params: pubParam,
    body: uploadCreateInput,
    bodyNotes: { size: "The file's size in bytes; checked against the limits and quota now." },
    success: {
      status: 201,
      description: "The upload, with `part_size`, `parts_total` and `missing_parts`.",
      headers: { Location: "The upload's URL." },
    },
    errors: [403, 404, 413],
  },
  {
    method: "get",
    path: "/api/v1/publications/{pub}/media/uploads/{id}",
    operationId: "getUpload",
    summary: "Where an upload stands",
    description: "The parts stored so far and those still missing, so a client can resume.",
    tag: "Media",
    auth: "api_key_ok",
    scopes: ["media:write"],
    params: uploadParam,
    success: { status: 200, description: "The upload." },
    errors: [403, 404],
  },
  {
    method: "put",
    path: "/api/v1/publications/{pub}/media/uploads/{id}/parts/{n}",
    operationId: "uploadPart",
    summary: "Upload one part",
    description:
      "Exactly `part_size` bytes (the last part: the rest). Send Content-Length; re-sending a part replaces it. Part 1 decides the type, so it goes first.",
    tag: "Media",
    auth: "api_key_ok",
    scopes: ["media:write"],
    params: partParam,
    rawBody: { "application/octet-stream": { schema: FILE_BYTES } },
    success: { status: 200, description: "Stored: `part_number` and `size`." },
    errors: [403, 404, 409, 413, 415],
  },
  {
    method: "post",
    path: "/api/v1/publications/{pub}/media/uploads/{id}/complete",
    operationId: "completeUpload",
    summary: "Finish a multipart upload",
    description: "Joins the parts into the medium. Completing twice answers the same medium.",
    tag: "Media",
    auth: "api_key_ok",
    scopes: ["media:write"],
    params: uploadParam,
    success: {
      status: 201,
      description: "The new medium.",
      headers: { Location: "The medium's API URL." },
    },
    otherResponses: { 200: "Already complete, or the same bytes were already stored." },
    errors: [403, 404, 409, 413],
  },
  {
    method: "delete",
    path: "/api/v1/publications/{pub}/media/uploads/{id}",
    operationId: "abortUpload",
    summary: "Cancel a multipart upload",
    tag: "Media",
    auth: "api_key_ok",
    scopes: ["media:write"],
    params: uploadParam,
    success: { status: 204, description: "Cancelled; nothing is left behind." },
    errors: [403, 404, 409],
  },
  {
    method: "get",
    path: "/api/v1/publications/{pub}/media/{id}",
    operationId: "getMedium",
    summary: "Get a medium",
    tag: "Media",
    auth: "api_key_ok",
    scopes: ["posts:read"],
    params: mediumParam,
    success: { status: 200, description: "The medium, with `url` and `markdown`." },
    errors: [403, 404],
  },
  {
    method: "patch",
    path: "/api/v1/publications/{pub}/media/{id}",
    operationId: "updateMedium",
    summary: "Change a medium's alt text",
    tag: "Media",
    auth: "api_key_ok",
    scopes: ["media:write"],
    params: mediumParam,
    body: mediaUpdateInput,
    success: { status: 200, description: "The updated medium." },
    errors: [403, 404],
  },
  {
    method: "delete",
    path: "/api/v1/publications/{pub}/media/{id}",
    operationId: "deleteMedium",
    summary: "Delete a medium",
    description:
      "Refused with 409 `media_in_use` while a post uses it (the answer names the posts).",
    tag: "Media",
    auth: "api_key_ok",
    scopes: ["media:write"],
    params: mediumParam,
    success: { status: 204, description: "Deleted, bytes and all." },
    errors: [403, 404, 409],
  },

  // ---- Content (public) ----------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/content/{pub}",
    operationId: "getPublicPublication",
    summary: "A publication's public details",
    tag: "Content",
    auth: "none",
    params: pubParam,
    success: { status: 200, description: "Name, description, locale and links." },
    otherResponses: { 304: "Not modified (If-None-Match matched)." },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/v1/content/{pub}/posts",
    operationId: "listPublishedPosts",
    summary: "List published posts",
    tag: "Content",
    auth: "none",
    params: pubParam,
    query: listQuery,
    success: {
      status: 200,
      description: "A page of published posts, newest first.",
      schema: pageOf(),
    },
    otherResponses: { 304: "Not modified (If-None-Match matched)." },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/v1/content/{pub}/posts/{slug}",
    operationId: "getPublishedPost",
    summary: "Get a published post by slug",
    tag: "Content",
    auth: "none",
    params: slugParam,
    success: {
      status: 200,
      description: "The post with rendered HTML.",
      headers: { "Last-Modified": "When the post last changed." },
    },
    otherResponses: {
      301: "The slug changed; Location names the current one.",
      304: "Not modified (If-None-Match matched).",
    },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/v1/content/{pub}/tags",
    operationId: "listPublicTags",
    summary: "Tags with published posts",
    tag: "Content",
    auth: "none",
    params: pubParam,
    success: { status: 200, description: "Tags and their post counts.", schema: listOf() },
    otherResponses: { 304: "Not modified (If-None-Match matched)." },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/v1/content/{pub}/authors",
    operationId: "listPublicAuthors",
    summary: "Authors with published posts",
    tag: "Content",
    auth: "none",
    params: pubParam,
    success: { status: 200, description: "Authors.", schema: listOf() },
    otherResponses: { 304: "Not modified (If-None-Match matched)." },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/v1/content/{pub}/search",
    operationId: "searchPublishedPosts",
    summary: "Full-text search of published posts",
    tag: "Content",
    auth: "none",
    params: pubParam,
    query: searchQuery,
    success: {
      status: 200,
      description:
        "Matching posts with highlighted snippets: those with the words in their title or tags first (`matched_in: title_or_tags`), then the newest that mention them (`matched_in: text`).",
    },
    otherResponses: { 304: "Not modified (If-None-Match matched)." },
    errors: [404],
  },

  // ---- Operations ----------------------------------------------------------------
  {
    method: "get",
    path: "/api/health",
    operationId: "getHealth",
    summary: "Health of every binding",
    description:
      "Each binding (D1, KV, R2, Durable Objects, Queue) checked with a real round trip.",
    tag: "Operations",
    auth: "none",
    success: { status: 200, description: "All bindings are up, with their latency." },
    otherResponses: { 503: "Some binding is down; the same report says which." },
  },
  {
    method: "get",
    path: "/api/ping",
    operationId: "ping",
    summary: "Liveness",
    tag: "Operations",
    auth: "none",
    success: {
      status: 200,
      description: "`pong`, touching no binding.",
      contentType: "text/plain",
    },
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This API description (OpenAPI 3.1)",
    tag: "Operations",
    auth: "none",
    success: { status: 200, description: "The OpenAPI document." },
  },
  {
    method: "get",
    path: "/api/docs",
    operationId: "getApiReference",
    summary: "This API reference as a web page",
    tag: "Operations",
    auth: "none",
    success: { status: 200, description: "HTML.", contentType: "text/html" },
  },
];

// ---- building the document -----------------------------------------------------------

/** A zod schema (or part of one) that JSON Schema cannot express; it was emitted as `{}`. */
export interface SchemaGap {
  operationId: string;
  where: string;
  message: string;
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: Record<string, unknown>;
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, ParameterObject>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: (ParameterObject | { $ref: string })[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, JsonSchema>;
  "x-auth": Auth;
  "x-scopes"?: string[];
}

const PROBLEM_SCHEMA = {
  type: "object",
  description: "RFC 9457 problem details. Switch on `code`, not on `title` or `detail`.",
  required: ["type", "title", "status", "code"],
  properties: {
    type: {
      type: "string",
      format: "uri",
      description: "Identifies the problem kind, e.g. https://folio.dev/problems/not-found.",
    },
    title: { type: "string", description: "Short, human-readable summary of the kind." },
    status: { type: "integer", description: "The HTTP status." },
    code: {
      type: "string",
      description: "Stable machine code, e.g. `validation_failed`, `stale_version`.",
    },
    detail: { type: "string", description: "What went wrong this time, for people." },
    instance: { type: "string", description: "`urn:folio:request:<request id>`." },
    errors: {
      type: "array",
      description: "One entry per invalid field (validation errors).",
      items: {
        type: "object",
        required: ["field", "message"],
        properties: {
          field: { type: "string", description: "Dotted path, e.g. `tags.2`." },
          message: { type: "string" },
        },
      },
    },
  },
  additionalProperties: true,
};

const COMPONENT_SCHEMAS: Record<string, JsonSchema> = {
  Problem: PROBLEM_SCHEMA,
  Accepted: {
    type: "object",
    required: ["status", "detail"],
    properties: { status: { const: "accepted" }, detail: { type: "string" } },
  },
  Profile: {
    type: "object",
    required: ["id", "email", "name", "handle", "email_verified", "created_at"],
    properties: {
      id: { type: "string" },
      email: { type: "string", format: "email" },
      name: { type: "string" },
      handle: { type: "string" },
      email_verified: { type: "boolean" },
      created_at: { type: "string" },
    },
  },
  TokenResponse: {
    type: "object",
    required: ["access_token", "token_type", "expires_in", "refresh_token"],
    properties: {
      access_token: { type: "string", description: "JWT, valid for `expires_in` seconds." },
      token_type: { const: "Bearer" },
      expires_in: { type: "integer" },
      refresh_token: { type: "string", description: "Single use; rotates on every refresh." },
    },
  },
};

const SECURITY_SCHEMES = {
  cookieAuth: {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description:
      "Web session from POST /api/v1/auth/login. Writes with a cookie must come from our own origin.",
  },
  bearerAuth: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Access token from POST /api/v1/auth/token (15 minutes).",
  },
  apiKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "folio_…",
    description:
      "Publication API key (`folio_<prefix>_<secret>`). Acts for one publication, within its scopes.",
  },
};

const HEADER_PARAMETERS: Record<HeaderParam, ParameterObject> = {
  IfMatch: {
    name: "If-Match",
    in: "header",
    required: false,
    description: 'The post version you started from, as its ETag, e.g. "7".',
    schema: { type: "string" },
  },
  FileName: {
    name: "X-File-Name",
    in: "header",
    required: false,
    description: "The file's name, percent-encoded UTF-8 (metadata only; never the stored key).",
    schema: { type: "string" },
  },
  IdempotencyKey: {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "Makes a create safe to retry for 24 hours: a retry with the same key and body gets the first answer.",
    schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{8,128}$" },
  },
};

const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  none: [],
  session_or_token: [{ cookieAuth: [] }, { bearerAuth: [] }],
  api_key_ok: [{ cookieAuth: [] }, { bearerAuth: [] }, { apiKey: [] }],
};

const JSON_BODY = "application/json";

/** The zod schema's input side as JSON Schema 2020-12, the dialect of OpenAPI 3.1. */
export function inputJsonSchema(
  schema: z.ZodType,
  onGap: (where: string, message: string) => void = () => {},
): JsonSchema {
  const out = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    reused: "inline",
    unrepresentable: (ctx) => {
      onGap(ctx.path.join(".") || "(root)", ctx.message);
      return "any";
    },
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def as {
        type: string;
        out?: { _zod: { def: { type: string; format?: string } } };
        checks?: { _zod: { def: { check: string; error?: unknown } } }[];
      };
      // `.pipe(z.email())` documents only its input side (a string): keep the format.
      const piped = def.type === "pipe" ? def.out?._zod.def : undefined;
      if (piped?.type === "string" && piped.format && !jsonSchema.format) {
        jsonSchema.format = piped.format;
      }
      // `.refine()` checks have no JSON Schema form; name them, so readers know.
      const refinements = (def.checks ?? [])
        .filter((check) => check._zod.def.check === "custom")
        .map((check) => messageOf(check._zod.def.error))
        .filter((m): m is string => Boolean(m));
      if (refinements.length) jsonSchema["x-checks"] = [...new Set(refinements)];
    },
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

function messageOf(error: unknown): string | undefined {
  if (typeof error === "string") return error;
  if (typeof error !== "function") return undefined;
  try {
    const result = (error as (issue: unknown) => unknown)({});
    if (typeof result === "string") return result;
    if (result && typeof result === "object" && "message" in result) {
      return String((result as { message: unknown }).message);
    }
  } catch {
    // A message function that needs a real issue: nothing to show.
  }
  return undefined;
}

/** Moves `$defs` (cycles, reused ids) into components.schemas and repoints their refs. */
function hoistDefs(
  schema: JsonSchema,
  prefix: string,
  components: Record<string, JsonSchema>,
): JsonSchema {
  const defs = schema.$defs as Record<string, JsonSchema> | undefined;
  if (!defs) return schema;
  delete schema.$defs;
  const rename = (name: string) => `${prefix}_${name}`;
  const repoint = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(repoint);
    if (!node || typeof node !== "object") return node;
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      copy[k] =
        k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")
          ? `#/components/schemas/${rename(v.slice("#/$defs/".length))}`
          : repoint(v);
    }
    return copy;
  };
  for (const [name, def] of Object.entries(defs))
    components[rename(name)] = repoint(def) as JsonSchema;
  return repoint(schema) as JsonSchema;
}

function withNotes(schema: JsonSchema, notes: Record<string, string> | undefined): JsonSchema {
  if (!notes) return schema;
  const variants = (schema.oneOf ?? schema.anyOf ?? [schema]) as JsonSchema[];
  for (const variant of variants) {
    const props = variant.properties as Record<string, JsonSchema> | undefined;
    for (const [field, note] of Object.entries(notes)) {
      const prop = props?.[field];
      if (prop && !prop.description) prop.description = note;
    }
  }
  return schema;
}

function parametersOf(
  schema: z.ZodObject,
  location: "path" | "query",
  onGap: (where: string, message: string) => void,
): ParameterObject[] {
  const json = inputJsonSchema(schema, onGap);
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: location,
      required: location === "path" || required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

function problemAnswer(status: ProblemStatus) {
  return {
    description: `${problemTypes[status].title} (\`${problemTypes[status].code}\`)`,
    content: { "application/problem+json": { schema: ref("Problem") } },
  };
}

/** Every error an operation can answer: its own plus those its declaration implies. */
export function errorsOf(op: Operation): ProblemStatus[] {
  const statuses = new Set<ProblemStatus>(op.errors ?? []);
  if (op.params || op.query) statuses.add(400);
  if (op.body) {
    statuses.add(413);
    statuses.add(415);
    // The OAuth endpoints answer bad fields with 400 `invalid_request`, as the RFC asks.
    if (!op.bodyTypes?.includes("application/x-www-form-urlencoded")) statuses.add(422);
  }
  if (op.auth !== "none") statuses.add(401);
  if (op.auth === "session_or_token") statuses.add(403);
  if (op.headers?.includes("IdempotencyKey")) {
    statuses.add(400);
    statuses.add(409);
    statuses.add(422);
  }
  return [...statuses].sort((a, b) => a - b);
}

export function buildOpenApiDocument(ops: Operation[] = operations): {
  document: OpenApiDocument;
  gaps: SchemaGap[];
} {
  const gaps: SchemaGap[] = [];
  const schemas: Record<string, JsonSchema> = { ...COMPONENT_SCHEMAS };
  const paths: OpenApiDocument["paths"] = {};

  for (const op of ops) {
    const onGap = (where: string, message: string) =>
      gaps.push({ operationId: op.operationId, where, message });

    const parameters: OperationObject["parameters"] = [
      ...(op.params ? parametersOf(op.params, "path", onGap) : []),
      ...(op.query ? parametersOf(op.query, "query", onGap) : []),
      ...(op.headers ?? []).map((h) => ({ $ref: `#/components/parameters/${h}` })),
    ];

    const responses: Record<string, JsonSchema> = {};
    const { success } = op;
    responses[success.status] = {
      description: success.description,
      ...(success.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(success.headers).map(([name, description]) => [
                name,
                { description, schema: { type: "string" } },
              ]),
            ),
          }
        : {}),
      ...(success.status === 204
        ? {}
        : {
            content: {
              [success.contentType ?? JSON_BODY]: {
                schema:
                  success.schema ??
                  (success.contentType && success.contentType !== JSON_BODY
                    ? { type: "string" }
                    : { type: "object" }),
              },
            },
          }),
    };
    for (const [status, description] of Object.entries(op.otherResponses ?? {})) {
      responses[status] = { description };
    }
    for (const status of errorsOf(op)) responses[status] = problemAnswer(status);

    let requestBody: OperationObject["requestBody"];
    if (op.rawBody) requestBody = { required: op.bodyRequired ?? true, content: op.rawBody };
    if (op.body) {
      const schema = withNotes(
        hoistDefs(inputJsonSchema(op.body, onGap), op.operationId, schemas),
        op.bodyNotes,
      );
      requestBody = {
        required: op.bodyRequired ?? true,
        content: Object.fromEntries((op.bodyTypes ?? [JSON_BODY]).map((t) => [t, { schema }])),
      };
    }

    const operation: OperationObject = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      security: SECURITY[op.auth],
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
      "x-auth": op.auth,
      ...(op.scopes?.length ? { "x-scopes": op.scopes } : {}),
    };
    paths[op.path] ??= {};
    paths[op.path]![op.method] = operation;
  }

  const document: OpenApiDocument = {
    openapi: "3.1.0",
    info: {
      title: "Folio API",
      version: "1.0.0",
      description:
        "Folio's HTTP API. Errors are `application/problem+json` (RFC 9457) with a stable `code`. " +
        "Updates take If-Match and answer 412 on a stale write; creates take Idempotency-Key; " +
        "rate-limited answers are 429 with Retry-After.",
    },
    servers: [{ url: "/" }],
    tags: TAGS.map((t) => ({ name: t.name, description: t.description })),
    paths,
    components: {
      schemas,
      parameters: { ...HEADER_PARAMETERS },
      securitySchemes: SECURITY_SCHEMES,
    },
  };
  return { document, gaps };
}

let built: { document: OpenApiDocument; gaps: SchemaGap[]; json: string } | undefined;

/** The document, built once per isolate. */
export function openApi() {
  if (!built) {
    const { document, gaps } = buildOpenApiDocument();
    built = { document, gaps, json: JSON.stringify(document) };
  }
  return built;
}
