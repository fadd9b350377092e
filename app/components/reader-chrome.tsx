import type { MetaDescriptor } from "@remix-run/cloudflare";
import { useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { formatDate, readingTime } from "~/utils/format";
import type { PostSummary } from "../../worker/services/reading";

/**
 * The reader site's chrome and shared pieces: publication header and footer,
 * post lists, pagination and the metadata every reader page carries. Plain
 * links and forms only: reader pages ship no JavaScript.
 */

/** What reader pages know of their publication (see app/utils/reader.server.ts). */
export interface ReaderPub {
  slug: string;
  name: string;
  description: string;
  locale: string;
  timezone: string;
}

export const pubPath = (pub: { slug: string }, rest = "") => `/@${pub.slug}${rest}`;

export function ReaderHeader({ pub }: { pub: ReaderPub }) {
  const { pathname } = useLocation();
  const current = (path: string) => (pathname === path ? ("page" as const) : undefined);
  return (
    <header className="reader-header">
      <div className="reader-header__inner">
        <a className="reader-brand" href={pubPath(pub)}>
          {pub.name}
        </a>
        <nav aria-label="Publication">
          <ul className="reader-nav">
            <li>
              <a href={pubPath(pub, "/tags")} aria-current={current(pubPath(pub, "/tags"))}>
                Tags
              </a>
            </li>
            <li>
              <a href={pubPath(pub, "/search")} aria-current={current(pubPath(pub, "/search"))}>
                Search
              </a>
            </li>
            <li>
              <a href={pubPath(pub, "/rss.xml")} type="application/rss+xml">
                RSS
              </a>
            </li>
          </ul>
        </nav>
      </div>
    </header>
  );
}

export function ReaderFooter({ pub }: { pub: ReaderPub }) {
  return (
    <footer className="reader-footer">
      <div className="reader-footer__inner">
        <p>
          <a href={pubPath(pub)}>{pub.name}</a>
          <span aria-hidden="true"> · </span>
          <a href={pubPath(pub, "/feed.xml")} type="application/atom+xml">
            Atom feed
          </a>
          <span aria-hidden="true"> · </span>
          Published with <a href="/">Folio</a>
        </p>
      </div>
    </footer>
  );
}

type Byline = Pick<PostSummary, "author" | "published_at" | "reading_minutes">;

/** "By Ana · 3 May 2025 · 4 min read", the date in the publication's zone. */
export function PostMeta({ pub, post }: { pub: ReaderPub; post: Byline }) {
  return (
    <p className="post-meta">
      {/* A separator stays with the fact before it, so a wrapped line never starts with "·". */}
      <span>
        By{" "}
        <a href={pubPath(pub, `/author/${post.author.handle}`)} rel="author">
          {post.author.name || post.author.handle}
        </a>
      </span>
      <span aria-hidden="true">{"\u00a0·"}</span>{" "}
      <time dateTime={post.published_at}>
        {formatDate(post.published_at, { locale: pub.locale, timeZone: pub.timezone })}
      </time>
      <span aria-hidden="true">{"\u00a0·"}</span> <span>{readingTime(post.reading_minutes)}</span>
    </p>
  );
}

export function TagList({
  pub,
  tags,
  label = "Tags",
}: {
  pub: ReaderPub;
  tags: { slug: string; name: string; posts?: number }[];
  label?: string;
}) {
  if (!tags.length) return null;
  return (
    <ul className="tag-pills" aria-label={label}>
      {tags.map((t) => (
        <li key={t.slug}>
          <a href={pubPath(pub, `/tag/${t.slug}`)} rel="tag">
            {t.name}
            {t.posts !== undefined ? <span className="tag-pills__count"> {t.posts}</span> : null}
          </a>
        </li>
      ))}
    </ul>
  );
}

export type ListedPost = PostSummary & { title_highlighted?: string; snippet_html?: string };

/**
 * Post cards. Search results carry `title_highlighted` and `snippet_html`:
 * HTML the read model built from escaped text plus `<mark>`, safe to insert.
 */
export function PostList({ pub, posts }: { pub: ReaderPub; posts: ListedPost[] }) {
  return (
    <ul className="post-list">
      {posts.map((p) => (
        <li key={p.id}>
          <article className="post-card">
            <h2 className="post-card__title">
              {p.title_highlighted ? (
                <a
                  href={pubPath(pub, `/${p.slug}`)}
                  // biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the read model, only <mark> added
                  dangerouslySetInnerHTML={{ __html: p.title_highlighted }}
                />
              ) : (
                <a href={pubPath(pub, `/${p.slug}`)}>{p.title}</a>
              )}
            </h2>
            {p.snippet_html ? (
              <p
                className="post-card__excerpt"
                // biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the read model, only <mark> added
                dangerouslySetInnerHTML={{ __html: p.snippet_html }}
              />
            ) : p.excerpt ? (
              <p className="post-card__excerpt">{p.excerpt}</p>
            ) : null}
            <PostMeta pub={pub} post={p} />
            <TagList pub={pub} tags={p.tags} />
          </article>
        </li>
      ))}
    </ul>
  );
}

/** Keyset pagination: the next page by cursor, and the way back to the newest posts. */
export function Pager({
  basePath,
  cursor,
  nextCursor,
}: {
  basePath: string;
  cursor?: string | null;
  nextCursor: string | null;
}) {
  if (!cursor && !nextCursor) return null;
  return (
    <nav className="pager" aria-label="More posts">
      {cursor ? <a href={basePath}>← Newest posts</a> : <span />}
      {nextCursor ? (
        <a href={`${basePath}?cursor=${encodeURIComponent(nextCursor)}`} rel="next">
          Older posts →
        </a>
      ) : null}
    </nav>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="reader-empty">{children}</p>;
}

// ---- metadata ------------------------------------------------------------------------------

export interface PageMetaInput {
  origin: string;
  pub: ReaderPub;
  /** Path of this page, e.g. /@pub/tag/design (with ?cursor= on later pages). */
  path: string;
  title: string;
  /** Title for link previews (Open Graph, Twitter) when it differs from <title>. */
  shareTitle?: string;
  description: string;
  /** Atom feed for this page's posts, if it has one. */
  feed?: { path: string; title: string };
  type?: "website" | "article" | "profile";
  noindex?: boolean;
}

/** Title, description, canonical URL, feed, Open Graph and Twitter tags of a reader page. */
export function pageMeta(input: PageMetaInput): MetaDescriptor[] {
  const url = input.origin + input.path;
  const description = input.description || input.pub.description;
  const shareTitle = input.shareTitle ?? input.title;
  const tags: MetaDescriptor[] = [
    { title: input.title },
    { tagName: "link", rel: "canonical", href: url },
    { property: "og:type", content: input.type ?? "website" },
    { property: "og:site_name", content: input.pub.name },
    { property: "og:title", content: shareTitle },
    { property: "og:url", content: url },
    { name: "twitter:card", content: "summary" },
    { name: "twitter:title", content: shareTitle },
  ];
  if (description) {
    tags.push(
      { name: "description", content: description },
      { property: "og:description", content: description },
      { name: "twitter:description", content: description },
    );
  }
  if (input.feed) {
    tags.push({
      tagName: "link",
      rel: "alternate",
      type: "application/atom+xml",
      title: input.feed.title,
      href: input.origin + input.feed.path,
    });
  }
  if (input.noindex) tags.push({ name: "robots", content: "noindex" });
  return tags;
}

export const notFoundMeta: MetaDescriptor[] = [{ title: "Page not found" }];
