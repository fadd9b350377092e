import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import {
  EmptyState,
  notFoundMeta,
  Pager,
  PostList,
  pageMeta,
  pubPath,
  TagList,
} from "~/components/reader-chrome";
import type { RouteHandle } from "~/root";
import { cursorOf, listOrNotFound, readerFor } from "~/utils/reader.server";
import { listPublished, listTags } from "../../worker/services/reading";

export const handle: RouteHandle = { hydrate: false };

const PAGE_SIZE = 10;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { ctx, pub, view, origin } = await readerFor(request, context, params.pub);
  const cursor = cursorOf(request);
  const [list, tags] = await Promise.all([
    listOrNotFound(listPublished(ctx, pub, { cursor, limit: PAGE_SIZE })),
    cursor ? Promise.resolve([]) : listTags(ctx, pub),
  ]);
  if (cursor && !list.data.length) throw new Response(null, { status: 404 });
  return {
    pub: view,
    origin,
    cursor: cursor ?? null,
    posts: list.data,
    nextCursor: list.next_cursor,
    tags: tags.map((t) => ({ slug: t.slug, name: t.name, posts: t.posts })),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return notFoundMeta;
  const { pub, origin, cursor } = data;
  const path = cursor ? `${pubPath(pub)}?cursor=${encodeURIComponent(cursor)}` : pubPath(pub);
  return pageMeta({
    origin,
    pub,
    path,
    title: cursor ? `Older posts — ${pub.name}` : pub.name,
    description: pub.description,
    feed: { path: pubPath(pub, "/feed.xml"), title: `${pub.name} (Atom)` },
  });
};

export default function PublicationHome() {
  const { pub, posts, cursor, nextCursor, tags } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="reader-intro">
        <h1>{pub.name}</h1>
        {pub.description ? <p className="reader-intro__lede">{pub.description}</p> : null}
        {cursor ? <p className="reader-intro__note">Older posts</p> : null}
      </header>
      {posts.length ? (
        <PostList pub={pub} posts={posts} />
      ) : (
        <EmptyState>Nothing has been published here yet. Check back soon.</EmptyState>
      )}
      <Pager basePath={pubPath(pub)} cursor={cursor} nextCursor={nextCursor} />
      {tags.length ? (
        <section className="reader-section" aria-labelledby="topics-heading">
          <h2 id="topics-heading">Topics</h2>
          <TagList pub={pub} tags={tags} label="Topics" />
        </section>
      ) : null}
      <section className="reader-section" aria-labelledby="follow-heading">
        <h2 id="follow-heading">Follow</h2>
        <p>
          Subscribe in any feed reader: <a href={pubPath(pub, "/feed.xml")}>Atom</a> or{" "}
          <a href={pubPath(pub, "/rss.xml")}>RSS</a>.
        </p>
      </section>
    </>
  );
}
