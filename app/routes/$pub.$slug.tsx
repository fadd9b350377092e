import { type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { notFoundMeta, PostMeta, pageMeta, pubPath, TagList } from "~/components/reader-chrome";
import type { RouteHandle } from "~/root";
import { notFound, readerFor } from "~/utils/reader.server";
import { mediaImage } from "../../worker/services/media";
import { getPublishedPost } from "../../worker/services/reading";

export const handle: RouteHandle = { hydrate: false };

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { ctx, pub, view, origin } = await readerFor(request, context, params.pub);
  const found = await getPublishedPost(ctx, pub, params.slug ?? "");
  if (!found) notFound();
  // The post moved to a new slug: one permanent address, old links keep working.
  if ("redirect" in found) throw redirect(pubPath(pub, `/${found.redirect}`), 301);
  const { body_markdown: _markdown, ...post } = found.post;
  const feature = await mediaImage(ctx, pub.id, post.feature_media_id);
  return { pub: view, origin, post, feature };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return notFoundMeta;
  const { pub, origin, post, feature } = data;
  const path = pubPath(pub, `/${post.slug}`);
  const url = origin + path;
  const authorUrl = origin + pubPath(pub, `/author/${post.author.handle}`);
  const authorName = post.author.name || post.author.handle;
  return [
    ...pageMeta({
      origin,
      pub,
      path,
      title: `${post.title} — ${pub.name}`,
      shareTitle: post.title,
      description: post.excerpt,
      type: "article",
      feed: { path: pubPath(pub, "/feed.xml"), title: `${pub.name} (Atom)` },
    }),
    ...(feature
      ? [
          { property: "og:image", content: origin + feature.url },
          { property: "og:image:alt", content: feature.alt || post.title },
        ]
      : []),
    { property: "article:published_time", content: post.published_at },
    { property: "article:modified_time", content: post.updated_at },
    { property: "article:author", content: authorUrl },
    ...post.tags.map((t) => ({ property: "article:tag", content: t.name })),
    { tagName: "link", rel: "alternate", type: "text/markdown", href: `${url}.md` },
    {
      // Rendered by Remix with `<`, `>` and `&` escaped as \u003c etc.: data, never markup.
      "script:ld+json": {
        "@context": "https://schema.org",
        "@type": "Article",
        headline: post.title,
        description: post.excerpt || undefined,
        datePublished: post.published_at,
        dateModified: post.updated_at,
        inLanguage: pub.locale,
        author: { "@type": "Person", name: authorName, url: authorUrl },
        publisher: { "@type": "Organization", name: pub.name, url: origin + pubPath(pub) },
        mainEntityOfPage: { "@type": "WebPage", "@id": url },
        url,
        keywords: post.tags.length ? post.tags.map((t) => t.name).join(", ") : undefined,
      },
    },
  ];
};

export default function PostPage() {
  const { pub, post, feature } = useLoaderData<typeof loader>();
  return (
    <article className="post">
      <header className="post__header">
        <h1 className="post__title">{post.title}</h1>
        <PostMeta pub={pub} post={post} />
      </header>
      {feature ? (
        <figure className="post__feature">
          {/* Width and height reserve the space, so the text does not jump while it loads. */}
          <img
            src={feature.url}
            alt={feature.alt}
            width={feature.width ?? undefined}
            height={feature.height ?? undefined}
            loading="lazy"
            decoding="async"
          />
        </figure>
      ) : null}
      <div
        className="prose"
        // biome-ignore lint/security/noDangerouslySetInnerHtml: body_html is sanitized when the post is saved
        dangerouslySetInnerHTML={{ __html: post.body_html }}
      />
      <footer className="post__footer">
        {post.tags.length ? (
          <>
            <h2 className="visually-hidden">Tags</h2>
            <TagList pub={pub} tags={post.tags} />
          </>
        ) : null}
        <p className="post__more">
          <a href={pubPath(pub)}>← More from {pub.name}</a>
        </p>
      </footer>
    </article>
  );
}
