import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { EmptyState, notFoundMeta, PostList, pageMeta, pubPath } from "~/components/reader-chrome";
import type { RouteHandle } from "~/root";
import { countLabel } from "~/utils/format";
import { readerFor } from "~/utils/reader.server";
import { searchPublished } from "../../worker/services/reading";

export const handle: RouteHandle = { hydrate: false };

const MAX_QUERY = 200;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { ctx, pub, view, origin } = await readerFor(request, context, params.pub);
  // Whatever was typed is only ever text to the read model: it keeps words and
  // quoted phrases and drops FTS5 syntax, so no input can fail the query.
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, MAX_QUERY);
  const found = q ? await searchPublished(ctx, pub, { q, limit: 20 }) : null;
  return { pub: view, origin, q, results: found?.data ?? null };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return notFoundMeta;
  const { pub, origin, q } = data;
  return pageMeta({
    origin,
    pub,
    path: pubPath(pub, "/search"),
    title: q ? `“${q}” — Search — ${pub.name}` : `Search — ${pub.name}`,
    description: `Search the posts of ${pub.name}.`,
    noindex: !!q,
  });
};

export default function SearchPage() {
  const { pub, q, results } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="reader-intro">
        <h1>Search</h1>
        <search aria-label={`Search ${pub.name}`}>
          <form className="search-form" method="get" action={pubPath(pub, "/search")}>
            <label htmlFor="search-q" className="visually-hidden">
              Search posts
            </label>
            <input
              id="search-q"
              type="search"
              name="q"
              defaultValue={q}
              maxLength={MAX_QUERY}
              placeholder="Search posts"
              autoComplete="off"
              enterKeyHint="search"
            />
            <button type="submit">Search</button>
          </form>
        </search>
      </header>
      {results === null ? null : (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" className="reader-results__heading">
            {results.length
              ? `${countLabel(results.length, "result")} for “${q}”`
              : `No results for “${q}”`}
          </h2>
          {results.length ? (
            <PostList pub={pub} posts={results} />
          ) : (
            <EmptyState>
              Try fewer or different words, or <a href={pubPath(pub)}>browse the latest posts</a>.
            </EmptyState>
          )}
        </section>
      )}
    </>
  );
}
