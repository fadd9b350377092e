import {
  type ActionFunctionArgs,
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useCallback } from "react";
import { adminTitle } from "~/components/admin-nav";
import { FormAlert, stateFor } from "~/components/form";
import { CopyMarkdown, formatBytes, MediaUploader } from "~/components/media-uploader";
import mediaStyles from "~/styles/media.css?url";
import { publicationPage } from "~/utils/admin.server";
import { privatePage } from "~/utils/headers.server";
import { attempt, orResponse, refuse } from "~/utils/problems.server";
import { MEDIA_KINDS } from "../../worker/db/schema";
import { ProblemError } from "../../worker/lib/problem";
import {
  declaredLength,
  deleteMedium,
  getMedium,
  listMedia,
  mayChangeMedium,
  mediaLimits,
  mediaListQuery,
  updateMedium,
  uploadMedia,
} from "../../worker/services/media";
import { can } from "../../worker/services/permissions";

export const headers = privatePage;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: mediaStyles }];

export const meta: MetaFunction = ({ matches }) => adminTitle(matches, "Media");

const PAGE_SIZE = 24;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const page = await publicationPage(request, context, params.pub);
  const { services, actor, publication, role } = page;
  if (!can(role, "media.upload")) refuse(403);
  const url = new URL(request.url);
  const filters = {
    q: url.searchParams.get("q")?.trim() || undefined,
    type: url.searchParams.get("type") || undefined,
  };
  const parsed = mediaListQuery.safeParse({
    ...filters,
    cursor: url.searchParams.get("cursor") || undefined,
    limit: PAGE_SIZE,
  });
  const query = parsed.success ? parsed.data : { limit: PAGE_SIZE };
  const list = await orResponse(
    listMedia(services, actor, publication.slug, query).catch((err) => {
      // A stale or edited cursor: show the first page rather than an error.
      if (err instanceof ProblemError && err.init.code === "invalid_cursor") {
        return listMedia(services, actor, publication.slug, { ...query, cursor: undefined });
      }
      throw err;
    }),
  );

  // After a form upload (no JavaScript): name what arrived.
  let notice: string | null = null;
  const uploaded = url.searchParams.get("uploaded");
  if (uploaded) {
    const found = await attempt(getMedium(services, actor, publication.slug, uploaded));
    if (found.ok) {
      notice =
        url.searchParams.get("existing") === "1"
          ? `“${found.value.original_name}” was already in the library.`
          : `Uploaded “${found.value.original_name}”.`;
    }
  }

  const limits = mediaLimits(context.cloudflare.env);
  const grant = { role, actor };
  return {
    pub: publication.slug,
    filters: { q: filters.q ?? "", type: parsed.success ? (parsed.data.type ?? "") : "" },
    isFirstPage: !query.cursor,
    invalidFilters: !parsed.success,
    notice,
    media: list.data.map((m) => ({
      ...m,
      // Which buttons to show; the service checks again when they are used.
      can_delete: mayChangeMedium(grant, { uploaderId: m.uploader_id }, "delete"),
      can_edit: mayChangeMedium(grant, { uploaderId: m.uploader_id }, "edit"),
    })),
    nextCursor: list.next_cursor,
    storage: list.storage,
    limits: { threshold: limits.singleMaxBytes, maxBytes: limits.maxBytes },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { services, actor, publication } = await publicationPage(request, context, params.pub);
  const pub = publication.slug;
  const url = new URL(request.url);

  // The no-JavaScript upload form: multipart/form-data, streamed to the service unread.
  if (url.searchParams.get("intent") === "upload") {
    const outcome = await attempt(
      uploadMedia(services, actor, pub, {
        body: request.body,
        contentType: request.headers.get("content-type"),
        contentLength: declaredLength(request.headers.get("content-length")),
        fileName: null,
      }),
    );
    if (outcome.ok) {
      const { medium, created } = outcome.value;
      return redirect(`/admin/${pub}/media?uploaded=${medium.id}${created ? "" : "&existing=1"}`);
    }
    return data(
      { ok: false, intent: "upload", message: outcome.problem.message },
      { status: outcome.problem.init.status },
    );
  }

  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("media_id") ?? "");
  if (intent === "delete") {
    const outcome = await attempt(deleteMedium(services, actor, pub, id));
    if (outcome.ok) return { ok: true, intent, message: "File deleted." };
    return data(
      { ok: false, intent, message: outcome.problem.message },
      { status: outcome.problem.init.status },
    );
  }
  if (intent === "alt") {
    const outcome = await attempt(
      updateMedium(services, actor, pub, id, { alt: String(form.get("alt") ?? "").trim() }),
    );
    if (outcome.ok) return { ok: true, intent, message: "Alt text saved." };
    return data(
      { ok: false, intent, message: outcome.problem.message },
      { status: outcome.problem.init.status },
    );
  }
  return data({ ok: false, intent, message: "Unknown action." }, { status: 400 });
}

const KIND_LABEL: Record<string, string> = {
  image: "Images",
  video: "Video",
  audio: "Audio",
  document: "PDF",
};

function query(filters: { q: string; type: string }, cursor?: string) {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.type) params.set("type", filters.type);
  if (cursor) params.set("cursor", cursor);
  const s = params.toString();
  return s ? `?${s}` : "";
}

export default function MediaLibrary() {
  const { pub, filters, isFirstPage, invalidFilters, notice, media, nextCursor, storage, limits } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const revalidator = useRevalidator();
  const refresh = useCallback(() => revalidator.revalidate(), [revalidator]);
  const filtered = Boolean(filters.q || filters.type);
  const percentUsed = storage.quota_bytes
    ? Math.min(100, Math.round((storage.used_bytes / storage.quota_bytes) * 100))
    : 0;

  return (
    <>
      <div className="media-heading">
        <h1>Media</h1>
        <p className="media-storage">
          <label htmlFor="media-storage-meter">
            Storage: {formatBytes(storage.used_bytes)} of {formatBytes(storage.quota_bytes)} used (
            {percentUsed}%)
          </label>
          <meter
            id="media-storage-meter"
            min={0}
            max={storage.quota_bytes}
            value={storage.used_bytes}
            high={storage.quota_bytes * 0.9}
          />
        </p>
      </div>

      {notice ? (
        <div className="alert alert--success" role="status">
          {notice}
        </div>
      ) : null}
      <FormAlert state={stateFor(actionData, "upload")} />

      <MediaUploader pub={pub} limits={limits} onUploaded={refresh} />

      <section className="section" aria-labelledby="library-heading">
        <h2 id="library-heading">Library</h2>
        <FormAlert state={stateFor(actionData, "delete")} />
        <FormAlert state={stateFor(actionData, "alt")} />
        {invalidFilters ? (
          <div className="alert alert--warning" role="status">
            Some filters were not valid and were ignored.
          </div>
        ) : null}

        <Form method="get" className="media-filters" aria-label="Search media">
          <div className="field">
            <label htmlFor="media-q">Name starts with</label>
            <input id="media-q" name="q" type="search" defaultValue={filters.q} maxLength={100} />
          </div>
          <div className="field">
            <label htmlFor="media-type">Type</label>
            <select id="media-type" name="type" defaultValue={filters.type}>
              <option value="">Any</option>
              {MEDIA_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </div>
          <div className="media-filters__actions">
            <button type="submit" className="button--secondary">
              Search
            </button>
            {filtered ? <Link to={`/admin/${pub}/media`}>Clear</Link> : null}
          </div>
        </Form>

        {media.length ? (
          <ul
            className="media-grid"
            aria-label={filtered ? "Matching files" : "Files, newest first"}
          >
            {media.map((m) => (
              <li key={m.id} className="media-card">
                <a className="media-card__preview" href={m.url} target="_blank" rel="noreferrer">
                  {m.kind === "image" ? (
                    <img
                      src={m.url}
                      width={m.width ?? undefined}
                      height={m.height ?? undefined}
                      loading="lazy"
                      decoding="async"
                      alt={m.alt}
                    />
                  ) : (
                    <span className="media-card__kind" aria-hidden="true">
                      {m.content_type.split("/")[1]?.toUpperCase()}
                    </span>
                  )}
                  <span className="visually-hidden">Open {m.original_name}</span>
                </a>
                <div className="media-card__body">
                  <p className="media-card__name" title={m.original_name}>
                    {m.original_name}
                  </p>
                  <p className="media-card__meta">
                    {formatBytes(m.size)} · {m.content_type}
                    {m.width && m.height ? ` · ${m.width}×${m.height}` : ""}
                  </p>
                  <CopyMarkdown markdown={m.markdown} label={m.original_name} />
                  {m.can_edit ? (
                    <details className="media-card__alt">
                      <summary>
                        Alt text{m.alt ? "" : " (none yet)"}
                        <span className="visually-hidden"> for {m.original_name}</span>
                      </summary>
                      <Form method="post" action={`/admin/${pub}/media${query(filters)}`}>
                        <input type="hidden" name="intent" value="alt" />
                        <input type="hidden" name="media_id" value={m.id} />
                        <label className="visually-hidden" htmlFor={`alt-${m.id}`}>
                          Alt text for {m.original_name}
                        </label>
                        <textarea
                          id={`alt-${m.id}`}
                          name="alt"
                          rows={2}
                          maxLength={500}
                          defaultValue={m.alt}
                        />
                        <button type="submit" className="button--secondary button--small">
                          Save
                          <span className="visually-hidden"> alt text for {m.original_name}</span>
                        </button>
                      </Form>
                    </details>
                  ) : null}
                  {m.can_delete ? (
                    <Form
                      method="post"
                      action={`/admin/${pub}/media${query(filters)}`}
                      className="media-card__delete"
                      onSubmit={(e) => {
                        if (
                          !window.confirm(`Delete “${m.original_name}”? This cannot be undone.`)
                        ) {
                          e.preventDefault();
                        }
                      }}
                    >
                      <input type="hidden" name="intent" value="delete" />
                      <input type="hidden" name="media_id" value={m.id} />
                      <button type="submit" className="button--danger button--small">
                        Delete<span className="visually-hidden"> {m.original_name}</span>
                      </button>
                    </Form>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <div className="empty-state">
            <p>
              {filtered
                ? "No files match."
                : isFirstPage
                  ? "No files yet. Upload the first one above."
                  : "No more files."}
            </p>
          </div>
        )}

        <nav className="media-pager" aria-label="Pages of media">
          {isFirstPage ? null : <Link to={`/admin/${pub}/media${query(filters)}`}>First page</Link>}
          {nextCursor ? (
            <Link to={`/admin/${pub}/media${query(filters, nextCursor)}`} rel="next">
              Next page
            </Link>
          ) : null}
        </nav>
      </section>
    </>
  );
}
