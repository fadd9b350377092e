import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { notFoundMeta, Pager, PostList, pageMeta, pubPath } from "~/components/reader-chrome";
import type { RouteHandle } from "~/root";
import { cursorOf, listOrNotFound, notFound, readerFor } from "~/utils/reader.server";
import { findAuthor, listPublished } from "../../worker/services/reading";

export const handle: RouteHandle = { hydrate: false };

const PAGE_SIZE = 10;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { ctx, pub, view, origin } = await readerFor(request, context, params.pub);
  const handle = (params.handle ?? "").toLowerCase();
  if (!/^[a-z0-9-]{1,40}$/.test(handle)) notFound();
  const cursor = cursorOf(request);
  const [author, list] = await Promise.all([
    findAuthor(ctx, pub, handle),
    listOrNotFound(listPublished(ctx, pub, { author: handle, cursor, limit: PAGE_SIZE })),
  ]);
  // A member who has published nothing here is not a public author (yet).
  if (!author || !list.data.length) notFound();
  return {
    pub: view,
    origin,
    author: { name: author.name, handle: author.handle },
    cursor: cursor ?? null,
    posts: list.data,
    nextCursor: list.next_cursor,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return notFoundMeta;
  const { pub, origin, author, cursor } = data;
  const base = pubPath(pub, `/author/${author.handle}`);
  const name = author.name || author.handle;
  return [
    ...pageMeta({
      origin,
      pub,
      path: cursor ? `${base}?cursor=${encodeURIComponent(cursor)}` : base,
      title: `${name} — ${pub.name}`,
      description: `Posts by ${name} in ${pub.name}.`,
      type: "profile",
      feed: { path: `${base}/feed.xml`, title: `${pub.name}: ${name} (Atom)` },
    }),
    { property: "profile:username", content: author.handle },
  ];
};

export default function AuthorPage() {
  const { pub, author, posts, cursor, nextCursor } = useLoaderData<typeof loader>();
  const base = pubPath(pub, `/author/${author.handle}`);
  return (
    <>
      <header className="reader-intro">
        <p className="reader-intro__eyebrow">Author</p>
        <h1>{author.name || author.handle}</h1>
        <p className="reader-intro__note">
          <a href={`${base}/feed.xml`}>Feed for this author</a>
        </p>
      </header>
      <PostList pub={pub} posts={posts} />
      <Pager basePath={base} cursor={cursor} nextCursor={nextCursor} />
    </>
  );
}
