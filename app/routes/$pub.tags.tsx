import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { EmptyState, notFoundMeta, pageMeta, pubPath } from "~/components/reader-chrome";
import type { RouteHandle } from "~/root";
import { countLabel } from "~/utils/format";
import { readerFor } from "~/utils/reader.server";
import { listTags } from "../../worker/services/reading";

export const handle: RouteHandle = { hydrate: false };

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { ctx, pub, view, origin } = await readerFor(request, context, params.pub);
  const tags = await listTags(ctx, pub);
  return { pub: view, origin, tags };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return notFoundMeta;
  const { pub, origin } = data;
  return pageMeta({
    origin,
    pub,
    path: pubPath(pub, "/tags"),
    title: `Tags — ${pub.name}`,
    description: `Every topic ${pub.name} writes about.`,
  });
};

export default function TagsPage() {
  const { pub, tags } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="reader-intro">
        <h1>Tags</h1>
      </header>
      {tags.length ? (
        <ul className="tag-index">
          {tags.map((t) => (
            <li key={t.slug}>
              <h2 className="tag-index__name">
                <a href={pubPath(pub, `/tag/${t.slug}`)}>{t.name}</a>
              </h2>
              <p className="tag-index__meta">
                {countLabel(t.posts, "post")}
                {t.description ? ` — ${t.description}` : ""}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState>No tags yet.</EmptyState>
      )}
    </>
  );
}
