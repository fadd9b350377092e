import type { Role } from "../db/schema";

/**
 * The role table of DESIGN.md, as data. Anything not listed is denied. Both the
 * API and the Remix pages ask `can(role, action)`; nothing else decides.
 */
export const ACTIONS = [
  "publication.read",
  "publication.update",
  "publication.delete",
  "publication.transfer",
  "members.read",
  "members.manage",
  "apikeys.manage",
  "webhooks.manage",
  "audit.read",
  "posts.read",
  "posts.create",
  "posts.edit_own",
  "posts.edit_any",
  "posts.publish_own",
  "posts.publish_any",
  "posts.delete_own",
  "posts.delete_any",
  "tags.manage",
  "media.upload",
  "media.delete_own",
  "media.delete_any",
] as const;

export type Action = (typeof ACTIONS)[number];

const contributor: Action[] = [
  "publication.read",
  "posts.read",
  "posts.create",
  "posts.edit_own",
  "media.upload",
  "media.delete_own",
];
const author: Action[] = [...contributor, "posts.publish_own", "posts.delete_own"];
const editor: Action[] = [
  ...author,
  "posts.edit_any",
  "posts.publish_any",
  "posts.delete_any",
  "tags.manage",
  "media.delete_any",
];
const admin: Action[] = [
  ...editor,
  "publication.update",
  "members.read",
  "members.manage",
  "apikeys.manage",
  "webhooks.manage",
  "audit.read",
];
const owner: Action[] = [...admin, "publication.delete", "publication.transfer"];

const grants: Record<Role, ReadonlySet<Action>> = {
  owner: new Set(owner),
  admin: new Set(admin),
  editor: new Set(editor),
  author: new Set(author),
  contributor: new Set(contributor),
};

export function can(role: Role, action: Action): boolean {
  return grants[role].has(action);
}

/** Roles a member with `role` may hand out or take away (never above their own). */
export function assignableRoles(role: Role): Role[] {
  if (role === "owner") return ["admin", "editor", "author", "contributor"];
  if (role === "admin") return ["editor", "author", "contributor"];
  return [];
}

/**
 * API key scopes and the actions each one unlocks. Keys act for a publication,
 * never for a person: they cannot manage members, keys or the publication.
 */
export const API_KEY_SCOPES = {
  "posts:read": ["publication.read", "posts.read"],
  "posts:write": ["posts.create", "posts.edit_any", "posts.delete_any", "tags.manage"],
  "posts:publish": ["posts.publish_any"],
  "media:write": ["media.upload", "media.delete_any"],
  "audit:read": ["audit.read"],
} as const satisfies Record<string, readonly Action[]>;

export type ApiKeyScope = keyof typeof API_KEY_SCOPES;
export const SCOPE_NAMES = Object.keys(API_KEY_SCOPES) as ApiKeyScope[];

export function scopesAllow(scopes: readonly string[], action: Action): boolean {
  return scopes.some((s) =>
    (API_KEY_SCOPES[s as ApiKeyScope] as readonly Action[] | undefined)?.includes(action),
  );
}
