import { NavLink } from "@remix-run/react";
import type { Role } from "../../worker/db/schema";
import { type Action, can } from "../../worker/services/permissions";

export interface AdminNavItem {
  label: string;
  /** Below `/admin/{pub}`; "" is the dashboard. */
  path: string;
  /** Shown only to roles that may do this; the page itself checks again. */
  requires?: Action;
}

/**
 * The sections of a publication's admin, in order. Add new sections here
 * (Posts with "posts.read", Media with "media.upload", Tags with "tags.manage").
 */
export const ADMIN_NAV: AdminNavItem[] = [
  { label: "Dashboard", path: "" },
  { label: "Posts", path: "posts", requires: "posts.read" },
  { label: "Media", path: "media", requires: "media.upload" },
  { label: "Tags", path: "tags", requires: "posts.read" },
  { label: "Members", path: "members", requires: "members.read" },
  { label: "API keys", path: "api-keys", requires: "apikeys.manage" },
  { label: "Settings", path: "settings", requires: "publication.update" },
];

/** The items a role sees. */
export function navFor(role: Role): AdminNavItem[] {
  return ADMIN_NAV.filter((item) => !item.requires || can(role, item.requires));
}

export function AdminNav({ slug, role }: { slug: string; role: Role }) {
  return (
    <nav aria-label="Publication" className="subnav">
      <ul>
        {navFor(role).map((item) => (
          <li key={item.path}>
            <NavLink to={`/admin/${slug}${item.path ? `/${item.path}` : ""}`} end={!item.path}>
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A `meta` title for a section page, under its publication's name. */
export function adminTitle(matches: readonly { id: string; data?: unknown }[], section: string) {
  const layout = matches.find((m) => m.id === "routes/admin.$pub")?.data as
    | { publication?: { name: string } }
    | undefined;
  return [{ title: `${section} · ${layout?.publication?.name ?? "Publication"} — Folio` }];
}

/** What each role may do, in the words of the role table. */
export const ROLE_SUMMARY: Record<Role, string> = {
  owner: "Everything, including deleting the publication and transferring ownership.",
  admin: "Members, invitations, settings, API keys and all content.",
  editor: "All posts (create, edit, publish, delete), tags and media.",
  author: "Create, edit, publish and delete your own posts; upload media.",
  contributor: "Create and edit your own drafts; an editor publishes them.",
};
