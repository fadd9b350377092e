import { escapeHtml } from "../lib/markdown";
import type { PostSummary, PublicPublication, PublishedPostView } from "./reading";

/**
 * Atom and RSS feeds, sitemaps, robots.txt and llms.txt: plain text formats
 * built from the public read model. Every interpolated value is escaped.
 */

const xml = (s: string) => escapeHtml(s);

export interface FeedSpec {
  origin: string;
  pub: PublicPublication;
  /** Feed title suffix, e.g. "Tag: Design". */
  subtitle?: string;
  /** Page the feed belongs to, e.g. /@pub/tag/design. */
  pagePath: string;
  feedPath: string;
  posts: (PostSummary & { body_html?: string })[];
  full: boolean;
}

export function atomFeed(spec: FeedSpec): string {
  const { origin, pub } = spec;
  const updated = spec.posts[0]?.updated_at ?? new Date(0).toISOString();
  const title = spec.subtitle ? `${pub.name} — ${spec.subtitle}` : pub.name;
  const entries = spec.posts
    .map((p) => {
      const url = `${origin}/@${pub.slug}/${p.slug}`;
      const content =
        spec.full && p.body_html
          ? `<content type="html">${xml(p.body_html)}</content>`
          : `<summary>${xml(p.excerpt)}</summary>`;
      return `  <entry>
    <id>urn:folio:post:${p.id}</id>
    <title>${xml(p.title)}</title>
    <link rel="alternate" type="text/html" href="${xml(url)}"/>
    <published>${p.published_at}</published>
    <updated>${p.updated_at}</updated>
    <author><name>${xml(p.author.name)}</name><uri>${xml(`${origin}/@${pub.slug}/author/${p.author.handle}`)}</uri></author>
${p.tags.map((t) => `    <category term="${xml(t.slug)}" label="${xml(t.name)}"/>`).join("\n")}
    ${content}
  </entry>`;
    })
    .join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xml(pub.locale)}">
  <id>urn:folio:feed:${xml(pub.id)}:${xml(spec.pagePath)}</id>
  <title>${xml(title)}</title>
  <subtitle>${xml(pub.description)}</subtitle>
  <link rel="self" type="application/atom+xml" href="${xml(origin + spec.feedPath)}"/>
  <link rel="alternate" type="text/html" href="${xml(origin + spec.pagePath)}"/>
  <updated>${updated}</updated>
  <generator uri="https://folio.example">Folio</generator>
${entries}
</feed>
`;
}

export function rssFeed(spec: FeedSpec): string {
  const { origin, pub } = spec;
  const title = spec.subtitle ? `${pub.name} — ${spec.subtitle}` : pub.name;
  const items = spec.posts
    .map((p) => {
      const url = `${origin}/@${pub.slug}/${p.slug}`;
      const description = spec.full && p.body_html ? p.body_html : p.excerpt;
      return `    <item>
      <title>${xml(p.title)}</title>
      <link>${xml(url)}</link>
      <guid isPermaLink="false">urn:folio:post:${p.id}</guid>
      <pubDate>${new Date(p.published_at).toUTCString()}</pubDate>
      <dc:creator>${xml(p.author.name)}</dc:creator>
${p.tags.map((t) => `      <category>${xml(t.name)}</category>`).join("\n")}
      <description>${xml(description)}</description>
    </item>`;
    })
    .join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${xml(title)}</title>
    <link>${xml(origin + spec.pagePath)}</link>
    <description>${xml(pub.description || pub.name)}</description>
    <language>${xml(pub.locale)}</language>
    <atom:link href="${xml(origin + spec.feedPath)}" rel="self" type="application/rss+xml"/>
${items}
  </channel>
</rss>
`;
}

export function sitemap(urls: { loc: string; lastmod?: string }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((u) => `  <url><loc>${xml(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod}</lastmod>` : ""}</url>`).join("\n")}
</urlset>
`;
}

export function sitemapIndex(locs: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${locs.map((loc) => `  <sitemap><loc>${xml(loc)}</loc></sitemap>`).join("\n")}
</sitemapindex>
`;
}

export function robotsTxt(origin: string): string {
  return `User-agent: *
Allow: /
Disallow: /admin
Disallow: /account
Disallow: /api/
Disallow: /dev/

Sitemap: ${origin}/sitemap.xml
`;
}

export function llmsTxt(origin: string, pub: PublicPublication, posts: PostSummary[]): string {
  const lines = posts.map(
    (p) =>
      `- [${p.title.replace(/[[\]]/g, "")}](${origin}/@${pub.slug}/${p.slug}.md): ${p.excerpt.replace(/\s+/g, " ")}`,
  );
  return `# ${pub.name}

> ${pub.description || `Posts published on ${pub.name}.`}

Each post is available as Markdown at the link below; the HTML page is the same URL without ".md".

## Posts

${lines.join("\n")}
`;
}

export function postMarkdown(
  origin: string,
  pub: PublicPublication,
  post: PublishedPostView,
): string {
  return `---
title: ${JSON.stringify(post.title)}
author: ${JSON.stringify(post.author.name)}
published: ${post.published_at}
updated: ${post.updated_at}
tags: ${JSON.stringify(post.tags.map((t) => t.name))}
url: ${origin}/@${pub.slug}/${post.slug}
---

# ${post.title}

${post.body_markdown}
`;
}
