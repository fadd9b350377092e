import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { adminTitle } from "~/components/admin-nav";
import { publicationPage } from "~/utils/admin.server";
import { privatePage } from "~/utils/headers.server";
import { orResponse } from "~/utils/problems.server";
import { listPublicationTags } from "~/utils/tags.server";

export const headers = privatePage;

export const meta: MetaFunction = ({ matches }) => adminTitle(matches, "Tags");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { services, actor, publication } = await publicationPage(request, context, params.pub);
  const tags = await orResponse(listPublicationTags(services, actor, publication.id));
  return { tags, pub: publication.slug };
}

export default function Tags() {
  const { tags, pub } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Tags</h1>
      <p className="muted">
        Tags are created when a post is saved with them. Counts are of published posts.
      </p>
      {tags.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Tags of this publication</caption>
            <thead>
              <tr>
                <th scope="col">Tag</th>
                <th scope="col">Slug</th>
                <th scope="col">Published posts</th>
                <th scope="col">
                  <span className="visually-hidden">Posts with this tag</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tags.map((t) => (
                <tr key={t.slug}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.slug}</code>
                  </td>
                  <td>{t.published_posts}</td>
                  <td className="cell-actions">
                    <Link to={`/admin/${pub}/posts?tag=${encodeURIComponent(t.name)}`}>
                      All posts<span className="visually-hidden"> tagged {t.name}</span>
                    </Link>
                    {t.published_posts > 0 ? (
                      <>
                        {" · "}
                        <a href={`/@${pub}/tag/${t.slug}`}>
                          Reader page<span className="visually-hidden"> of {t.name}</span>
                        </a>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <div className="empty-state">
          <p>No tags yet. Add tags to a post in the editor and they appear here.</p>
        </div>
      )}
    </>
  );
}
