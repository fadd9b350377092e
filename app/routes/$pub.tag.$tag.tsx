import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { notFoundMeta, Pager, PostList, pageMeta, pubPath } from "~/components/reader-chrome";
import type { RouteHandle } from "~/root";
import { cursorOf, listOrNotFound, notFound, readerFor } from "~/utils/reader.server";
import { findTag, listPublished } from "../../worker/services/reading";

export const handle: RouteHandle = { hydrate: false };

const PAGE_SIZE = 10;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { ctx, pub, view, origin } = await readerFor(request, context, params.pub);
  const slug = (params.tag ?? "").toLowerCase();
  if (!/^[a-z0-9-]{1,60}$/.test(slug)) notFound();
  const cursor = cursorOf(request);
  const [tag, list] = await Promise.all([
    findTag(ctx, pub, slug),
    listOrNotFound(listPublished(ctx, pub, { tag: slug, cursor, limit: PAGE_SIZE })),
  ]);
  // A tag only drafts use is not public yet: its name must not show.
  if (!tag || !list.data.length) notFound();
  return {
    pub: view,
    origin,
    tag,
    cursor: cursor ?? null,
    posts: list.data,
    nextCursor: list.next_cursor,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return notFoundMeta;
  const { pub, origin, tag, cursor } = data;
  const base = pubPath(pub, `/tag/${tag.slug}`);
  return pageMeta({
    origin,
    pub,
    path: cursor ? `${base}?cursor=${encodeURIComponent(cursor)}` : base,
    title: `${tag.name} — ${pub.name}`,
    description: tag.description || `Posts tagged “${tag.name}” in ${pub.name}.`,
    feed: { path: `${base}/feed.xml`, title: `${pub.name}: ${tag.name} (Atom)` },
  });
};

export default function TagPage() {
  const { pub, tag, posts, cursor, nextCursor } = useLoaderData<typeof loader>();
  const base = pubPath(pub, `/tag/${tag.slug}`);
  return (
    <>
      <header className="reader-intro">
        <p className="reader-intro__eyebrow">Tag</p>
        <h1>{tag.name}</h1>
        {tag.description ? <p className="reader-intro__lede">{tag.description}</p> : null}
        <p className="reader-intro__note">
          <a href={`${base}/feed.xml`}>Feed for this tag</a>
        </p>
      </header>
      <PostList pub={pub} posts={posts} />
      <Pager basePath={base} cursor={cursor} nextCursor={nextCursor} />
    </>
  );
}
