import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { adminTitle } from "~/components/admin-nav";
import { Timestamp } from "~/components/timestamp";
import editorStyles from "~/styles/editor.css?url";
import { publicationPage } from "~/utils/admin.server";
import { privatePage } from "~/utils/headers.server";
import { orResponse } from "~/utils/problems.server";
import { getPost, listRevisions } from "../../worker/services/posts";

export const headers = privatePage;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: editorStyles }];

export const meta: MetaFunction = ({ matches }) => adminTitle(matches, "Revisions");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { services, actor, publication } = await publicationPage(request, context, params.pub);
  const id = params.id ?? "";
  const [{ post }, revisions] = await Promise.all([
    orResponse(getPost(services, actor, publication.id, id)),
    orResponse(listRevisions(services, actor, publication.id, id)),
  ]);
  return {
    pub: publication.slug,
    post: {
      id: post.id,
      title: post.title,
      version: post.version,
      published_version: post.published_version,
    },
    revisions,
  };
}

const formatSize = (chars: number) =>
  chars < 1000 ? `${chars} characters` : `${(chars / 1000).toFixed(1)}k characters`;

export default function Revisions() {
  const { pub, post, revisions } = useLoaderData<typeof loader>();
  const base = `/admin/${pub}/posts/${post.id}`;
  return (
    <>
      <p className="breadcrumbs">
        <Link to={`/admin/${pub}/posts`}>Posts</Link> / <Link to={base}>{post.title}</Link>
      </p>
      <h1>Revisions</h1>
      <p className="muted">
        Every save is kept. Restoring an old version saves it again as a new version; nothing is
        rewritten.
      </p>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Revisions of “{post.title}”, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Title</th>
              <th scope="col">Saved by</th>
              <th scope="col">Saved</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {revisions.map((r) => (
              <tr key={r.version}>
                <td>
                  <Link to={`${base}/revisions/${r.version}`}>Version {r.version}</Link>
                  {r.version === post.version ? <span className="badge">current</span> : null}
                  {r.version === post.published_version ? (
                    <span className="badge badge--success">live</span>
                  ) : null}
                </td>
                <td>{r.title}</td>
                <td>{r.author.name ?? <span className="muted">a former member</span>}</td>
                <td>
                  <Timestamp iso={r.created_at} />
                </td>
                <td>{formatSize(r.characters)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
