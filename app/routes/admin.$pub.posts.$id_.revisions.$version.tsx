import {
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { adminTitle } from "~/components/admin-nav";
import { FormAlert, Intent, stateFor } from "~/components/form";
import { Timestamp } from "~/components/timestamp";
import editorStyles from "~/styles/editor.css?url";
import { publicationPage } from "~/utils/admin.server";
import { formAction, formError } from "~/utils/forms.server";
import { privatePage } from "~/utils/headers.server";
import { orResponse, refuse } from "~/utils/problems.server";
import type { Post } from "../../worker/db/schema";
import { renderMarkdown } from "../../worker/lib/markdown";
import { getPost, getRevision, mayTouchPost, restoreRevision } from "../../worker/services/posts";

export const headers = privatePage;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: editorStyles }];

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  adminTitle(matches, data ? `Version ${data.revision.version}` : "Revision");

function versionParam(value: string | undefined): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : refuse(404);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { services, actor, publication } = await publicationPage(request, context, params.pub);
  const id = params.id ?? "";
  const version = versionParam(params.version);
  const [{ post, access }, revision] = await Promise.all([
    orResponse(getPost(services, actor, publication.id, id)),
    orResponse(getRevision(services, actor, publication.id, id, version)),
  ]);
  const canEdit = mayTouchPost(
    access,
    { authorId: post.author_id, status: post.status } as Post,
    "edit",
  );
  return {
    pub: publication.slug,
    post: { id: post.id, title: post.title, version: post.version },
    revision: { ...revision, html: renderMarkdown(revision.body_markdown).html },
    canRestore: canEdit && revision.version !== post.version,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { services, actor, publication } = await publicationPage(request, context, params.pub);
  const id = params.id ?? "";
  const version = versionParam(params.version);
  const form = await request.formData();
  if (form.get("intent") !== "restore") return formError(form, "Unknown action.");
  const expected = Number(form.get("version"));
  const outcome = await formAction(form, () =>
    restoreRevision(
      services,
      actor,
      publication.id,
      id,
      version,
      Number.isInteger(expected) && expected > 0 ? expected : undefined,
    ),
  );
  if ("failure" in outcome) return outcome.failure;
  return redirect(`/admin/${publication.slug}/posts/${id}?restored=${version}`);
}

export default function Revision() {
  const { pub, post, revision, canRestore } = useLoaderData<typeof loader>();
  const state = stateFor(useActionData<typeof action>(), "restore");
  const base = `/admin/${pub}/posts/${post.id}`;
  return (
    <>
      <p className="breadcrumbs">
        <Link to={`/admin/${pub}/posts`}>Posts</Link> / <Link to={base}>{post.title}</Link> /{" "}
        <Link to={`${base}/revisions`}>Revisions</Link>
      </p>
      <h1>Version {revision.version}</h1>
      <dl className="facts">
        <div>
          <dt>Title</dt>
          <dd>{revision.title}</dd>
        </div>
        <div>
          <dt>Saved</dt>
          <dd>
            <Timestamp iso={revision.created_at} />
          </dd>
        </div>
        <div>
          <dt>Slug</dt>
          <dd>
            <code>{revision.slug}</code>
          </dd>
        </div>
        {revision.tags.length ? (
          <div>
            <dt>Tags</dt>
            <dd>{revision.tags.join(", ")}</dd>
          </div>
        ) : null}
      </dl>

      <FormAlert
        state={
          state?.code === "stale_version"
            ? {
                ...state,
                message: "The post changed while you were looking. Reload and try again.",
              }
            : state
        }
      />
      {canRestore ? (
        <Form method="post" className="actions revision-restore">
          <Intent value="restore" />
          <input type="hidden" name="version" value={post.version} />
          <button type="submit">Restore this version</button>
          <span className="muted">
            It becomes version {post.version + 1}; version {post.version} stays in the history.
          </span>
        </Form>
      ) : revision.version === post.version ? (
        <p className="muted">This is the current version.</p>
      ) : null}

      <section className="section" aria-labelledby="markdown-heading">
        <h2 id="markdown-heading">Markdown</h2>
        <pre className="revision-markdown">{revision.body_markdown}</pre>
      </section>
      <details className="section">
        <summary>Rendered</summary>
        <article
          className="prose editor-preview__body"
          // biome-ignore lint/security/noDangerouslySetInnerHtml: HTML from the sanitizing Markdown renderer
          dangerouslySetInnerHTML={{ __html: revision.html }}
        />
      </details>
    </>
  );
}
