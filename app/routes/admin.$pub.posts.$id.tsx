import {
  type ActionFunctionArgs,
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import {
  type ClientActionFunctionArgs,
  Form,
  isRouteErrorResponse,
  Link,
  useActionData,
  useLoaderData,
} from "@remix-run/react";
import { adminTitle } from "~/components/admin-nav";
import { FormAlert, Intent } from "~/components/form";
import {
  clearDraft,
  type EditorConflict,
  type EditorFields,
  type EditorResult,
  PostEditor,
} from "~/components/post-editor";
import { Timestamp } from "~/components/timestamp";
import editorStyles from "~/styles/editor.css?url";
import { publicationPage } from "~/utils/admin.server";
import { echoValues } from "~/utils/forms.server";
import { privatePage } from "~/utils/headers.server";
import { orResponse } from "~/utils/problems.server";
import { servicesFor } from "~/utils/services.server";
import { actorOf, requireSession } from "~/utils/session.server";
import type { Post } from "../../worker/db/schema";
import { excerptFrom, renderMarkdown } from "../../worker/lib/markdown";
import { ProblemError, problem } from "../../worker/lib/problem";
import { listMedia } from "../../worker/services/media";
import {
  getPost,
  mayTouchPost,
  type PostView,
  postUpdateInput,
  updatePost,
} from "../../worker/services/posts";
import type { PublicationAccess } from "../../worker/services/publications";
import {
  requestDelete,
  requestPublish,
  requestSchedule,
  requestUnpublish,
} from "../../worker/services/publishing";

export const headers = privatePage;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: editorStyles }];

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  adminTitle(matches, data ? `Edit “${data.post.title}”` : "Post");

// ---- time zones: the schedule picker speaks the publication's wall clock ----------

const zoneParts = (instant: number, timeZone: string) => {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
};

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function zoneOffset(instant: number, timeZone: string): number {
  const p = zoneParts(instant, timeZone);
  const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

/** `2026-01-15T09:00` on the wall clocks of `timeZone` → the instant; null if not a time. */
function zonedLocalToInstant(local: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as number[];
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d! || h! > 23 || mi! > 59) {
    return null;
  }
  // The offset at the guess, then at the corrected instant (they differ across a DST change).
  let instant = wall - zoneOffset(wall, timeZone);
  const corrected = wall - zoneOffset(instant, timeZone);
  if (corrected !== instant) instant = corrected;
  return new Date(instant);
}

/** An instant as `YYYY-MM-DDTHH:mm` on the wall clocks of `timeZone` (datetime-local's format). */
function instantToZonedLocal(iso: string | number, timeZone: string): string {
  const p = zoneParts(typeof iso === "number" ? iso : Date.parse(iso), timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

// ---- helpers --------------------------------------------------------------------------

/** The stored excerpt if someone wrote it; "" when it is the automatic one. */
function customExcerpt(post: Pick<PostView, "excerpt" | "body_markdown">): string {
  const auto = excerptFrom(renderMarkdown(post.body_markdown).text, 200);
  return post.excerpt === auto ? "" : post.excerpt;
}

function editorFieldsOf(post: PostView): EditorFields {
  return {
    title: post.title,
    slug: post.slug,
    excerpt: customExcerpt(post),
    tags: post.tags.join(", "),
    body_markdown: post.body_markdown,
  };
}

/** mayTouchPost looks at the author and status only. */
function allowed(access: PublicationAccess, post: PostView, verb: "edit" | "publish" | "delete") {
  return mayTouchPost(access, { authorId: post.author_id, status: post.status } as Post, verb);
}

const str = (form: FormData, key: string) => {
  const v = form.get(key);
  return typeof v === "string" ? v : "";
};

/** The editor's fields as a partial update (tags from a comma-separated list). */
function parseEditorForm(form: FormData) {
  const excerpt = str(form, "excerpt").trim();
  const slug = str(form, "slug").trim();
  const version = Number(str(form, "version"));
  const parsed = postUpdateInput.safeParse({
    title: str(form, "title"),
    slug: slug || undefined,
    excerpt: excerpt || undefined,
    body_markdown: str(form, "body_markdown").replace(/\r\n?/g, "\n"),
    tags: str(form, "tags")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    version: Number.isInteger(version) && version > 0 ? version : undefined,
  });
  if (parsed.success) return parsed;
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message;
  }
  return { success: false as const, fieldErrors };
}

type EditorInput = Extract<ReturnType<typeof parseEditorForm>, { success: true }>["data"];

function differs(input: EditorInput, post: PostView): boolean {
  return (
    input.title !== post.title ||
    (input.slug !== undefined && input.slug !== post.slug) ||
    (input.excerpt ?? "") !== customExcerpt(post) ||
    input.body_markdown !== post.body_markdown ||
    (input.tags ?? []).join("\n") !== post.tags.join("\n")
  );
}

function conflictOf(post: PostView): EditorConflict {
  return { ...editorFieldsOf(post), version: post.version, updated_at: post.updated_at };
}

const EDITOR_INTENTS = new Set([
  "save",
  "publish",
  "unpublish",
  "schedule",
  "unschedule",
  "feature",
]);
const PUBLISHING_INTENTS = new Set(["publish", "unpublish", "schedule", "unschedule"]);

// ---- loader and action -------------------------------------------------------------------

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { services, actor, publication } = await publicationPage(request, context, params.pub);
  const { post, access } = await orResponse(
    getPost(services, actor, publication.id, params.id ?? ""),
  );
  const tz = publication.timezone;
  const url = new URL(request.url);
  // The newest images, to pick a feature image and to copy into the text as Markdown.
  const images = await listMedia(services, actor, publication.id, { type: "image", limit: 24 })
    .then((page) =>
      page.data.map((m) => ({
        id: m.id,
        url: m.url,
        alt: m.alt,
        markdown: m.markdown,
        name: m.original_name,
      })),
    )
    .catch(() => []);
  return {
    pub: publication.slug,
    images,
    featureMediaId: post.feature_media_id,
    timezone: tz,
    post: {
      ...editorFieldsOf(post),
      id: post.id,
      body_html: post.body_html,
      status: post.status,
      version: post.version,
      published_version: post.published_version,
      has_unpublished_changes: post.has_unpublished_changes,
      published_at: post.published_at,
      scheduled_at: post.scheduled_at,
      schedule_result: post.schedule_result,
      updated_at: post.updated_at,
      word_count: post.word_count,
      reading_minutes: post.reading_minutes,
    },
    may: {
      edit: allowed(access, post, "edit"),
      publish: allowed(access, post, "publish"),
      delete: allowed(access, post, "delete"),
    },
    schedule: {
      /** The picker's value: the pending schedule, on the publication's clock. */
      local: post.scheduled_at ? instantToZonedLocal(post.scheduled_at, tz) : "",
      min: instantToZonedLocal(Date.now(), tz),
    },
    confirmDelete: url.searchParams.has("delete"),
    restored: url.searchParams.get("restored"),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const session = await requireSession(request, context);
  const services = servicesFor(request, context);
  const actor = actorOf(session);
  const pub = params.pub ?? "";
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = str(form, "intent");
  const answer = (result: Omit<EditorResult, "intent">, status = 200) =>
    data<EditorResult>({ intent, ...result }, { status });
  const refused = (fieldErrors: Record<string, string>, message?: string) =>
    answer(
      {
        ok: false,
        message: message ?? "Check the highlighted fields and try again.",
        fieldErrors,
        values: echoValues(form),
      },
      422,
    );

  let version: number | undefined;
  try {
    if (intent === "delete") {
      if (form.get("confirm") !== "yes") return refused({ confirm: "Confirm the deletion." });
      await requestDelete(services, actor, pub, id);
      return redirect(`/admin/${pub}/posts?notice=deleted`);
    }
    if (!EDITOR_INTENTS.has(intent)) return answer({ ok: false, message: "Unknown action." }, 400);

    const { post: current, access } = await getPost(services, actor, pub, id);
    if (PUBLISHING_INTENTS.has(intent) && !allowed(access, current, "publish")) {
      throw problem(403, "Your role does not allow you to publish this post.", {
        code: "forbidden",
      });
    }

    // A schedule is checked before anything is saved.
    let publishAt: string | null = null;
    if (intent === "schedule") {
      const local = str(form, "publish_at");
      const tz = access.publication.timezone;
      const at = local ? zonedLocalToInstant(local, tz) : null;
      if (!at) return refused({ publish_at: "Choose a date and time to publish." });
      if (at.getTime() < Date.now()) {
        return refused({ publish_at: `Choose a time in the future (${tz}).` });
      }
      publishAt = at.toISOString();
    }

    // Every button of the editor form saves the text first, when it changed.
    version = current.version;
    if (form.has("title")) {
      const parsed = parseEditorForm(form);
      if (!parsed.success) {
        version = undefined;
        return refused(parsed.fieldErrors);
      }
      if (differs(parsed.data, current)) {
        version = undefined;
        const saved = await updatePost(services, actor, pub, id, parsed.data, parsed.data.version);
        version = saved.version;
      } else if (intent === "save" && !allowed(access, current, "edit")) {
        throw problem(403, "Your role does not allow you to edit this post.", {
          code: "forbidden",
        });
      }
    }

    switch (intent) {
      case "save":
        return answer({ ok: true, message: "Saved.", version });
      case "publish": {
        const { changed } = await requestPublish(services, actor, pub, id);
        return answer({
          ok: true,
          message: changed ? "Published." : "This version is already live.",
          version,
        });
      }
      case "unpublish":
        await requestUnpublish(services, actor, pub, id);
        return answer({ ok: true, message: "Unpublished. The post is a draft again.", version });
      case "feature": {
        const chosen = str(form, "feature_media_id") || null;
        const saved = await updatePost(
          services,
          actor,
          pub,
          id,
          { feature_media_id: chosen },
          current.version,
        );
        return answer({
          ok: true,
          message: chosen ? "Feature image set." : "Feature image removed.",
          version: saved.version,
        });
      }
      case "schedule":
        await requestSchedule(services, actor, pub, id, publishAt);
        return answer({ ok: true, message: "Scheduled.", version });
      default:
        await requestSchedule(services, actor, pub, id, null);
        return answer({ ok: true, message: "Schedule cancelled.", version });
    }
  } catch (err) {
    if (!(err instanceof ProblemError)) throw err;
    const current = err.init.extra?.current as PostView | undefined;
    if (err.init.code === "stale_version" && current) {
      return answer(
        {
          ok: false,
          code: err.init.code,
          message: "Someone saved a newer version. Nothing was overwritten.",
          values: echoValues(form),
          conflict: conflictOf(current),
        },
        412,
      );
    }
    const fieldErrors: Record<string, string> = {};
    for (const e of err.init.errors ?? []) fieldErrors[e.field] ??= e.message;
    return answer(
      {
        ok: false,
        code: err.init.code,
        message: err.message,
        fieldErrors,
        values: echoValues(form),
        version,
      },
      err.init.status,
    );
  }
}

/**
 * In the browser, a save that cannot reach the server (offline, a dropped
 * connection) answers `offline` instead of replacing the editor with an error
 * page: the text stays in the form and in localStorage.
 */
export async function clientAction({ serverAction }: ClientActionFunctionArgs) {
  try {
    return (await serverAction()) as EditorResult;
  } catch (err) {
    if (err instanceof Response || isRouteErrorResponse(err)) throw err;
    const offline = !navigator.onLine || err instanceof TypeError;
    return {
      ok: false,
      offline,
      message: offline ? "No connection." : "The server could not save the post.",
    } satisfies EditorResult;
  }
}

// ---- page ---------------------------------------------------------------------------------

const STATUS_BADGE: Record<string, string> = {
  draft: "badge",
  scheduled: "badge badge--accent",
  published: "badge badge--success",
  archived: "badge",
};

export default function EditPost() {
  const { pub, timezone, post, may, schedule, confirmDelete, restored, images, featureMediaId } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof clientAction>() as EditorResult | undefined;
  const base = `/admin/${pub}/posts/${post.id}`;
  const isLive = post.published_version !== null;
  const scheduledLocal = schedule.local ? schedule.local.replace("T", " ") : null;
  const alert = result && !result.conflict ? result : undefined;

  const actions =
    may.publish || may.edit ? (
      <div className="editor-publishing">
        {may.publish ? (
          <>
            <div className="actions">
              <button type="submit" name="intent" value="publish" className="button--secondary">
                {isLive ? "Publish changes" : "Publish"}
              </button>
              {isLive ? (
                <button type="submit" name="intent" value="unpublish" className="button--secondary">
                  Unpublish
                </button>
              ) : null}
            </div>
            <fieldset className="field editor-schedule">
              <legend>Schedule</legend>
              <label htmlFor="publish_at">
                Publish at <span className="muted">({timezone} time)</span>
              </label>
              {result?.fieldErrors?.publish_at ? (
                <p id="publish_at-error" className="field-error">
                  {result.fieldErrors.publish_at}
                </p>
              ) : null}
              <div className="row-form">
                <input
                  id="publish_at"
                  name="publish_at"
                  type="datetime-local"
                  defaultValue={schedule.local}
                  min={schedule.min}
                  aria-invalid={result?.fieldErrors?.publish_at ? true : undefined}
                  aria-describedby={
                    result?.fieldErrors?.publish_at ? "publish_at-error" : undefined
                  }
                />
                <span className="editor-schedule__zone">{timezone}</span>
                <button type="submit" name="intent" value="schedule" className="button--secondary">
                  {post.scheduled_at ? "Reschedule" : "Schedule"}
                </button>
                {post.scheduled_at ? (
                  <button
                    type="submit"
                    name="intent"
                    value="unschedule"
                    className="button--secondary"
                  >
                    Cancel schedule
                  </button>
                ) : null}
              </div>
            </fieldset>
          </>
        ) : (
          <p className="muted">An editor publishes your post when it is ready.</p>
        )}
        <p className="hint">Publishing and scheduling save your changes first.</p>
      </div>
    ) : null;

  return (
    <>
      <p className="breadcrumbs">
        <Link to={`/admin/${pub}/posts`}>Posts</Link>
      </p>
      <div className="page-heading">
        <h1>Edit post</h1>
        <Link to={`${base}/revisions`}>Revisions</Link>
      </div>

      {restored ? (
        <div className="alert alert--success" role="status">
          Version {restored} restored as a new version.
        </div>
      ) : null}
      <FormAlert state={alert} />

      <dl className="facts editor-facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={STATUS_BADGE[post.status] ?? "badge"}>{post.status}</span>
            {post.has_unpublished_changes ? (
              <span className="badge badge--warning">has unpublished changes</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>
            {post.version}
            {isLive ? (
              <span className="muted"> · live: version {post.published_version}</span>
            ) : null}
          </dd>
        </div>
        {post.published_at ? (
          <div>
            <dt>Published</dt>
            <dd>
              <Timestamp iso={post.published_at} />
              {isLive ? (
                <>
                  {" · "}
                  <a href={`/@${pub}/${post.slug}`}>View live</a>
                </>
              ) : null}
            </dd>
          </div>
        ) : null}
        {post.scheduled_at ? (
          <div>
            <dt>Scheduled</dt>
            <dd>
              {scheduledLocal} {timezone} (<Timestamp iso={post.scheduled_at} />)
            </dd>
          </div>
        ) : null}
        {post.schedule_result ? (
          <div>
            <dt>Last schedule</dt>
            <dd className={post.schedule_result.startsWith("failed") ? "field-error" : undefined}>
              {post.schedule_result}
            </dd>
          </div>
        ) : null}
      </dl>

      {may.edit ? null : (
        <p className="alert alert--warning">
          You can read this post but your role does not allow you to edit it.
        </p>
      )}

      <PostEditor
        key={post.id}
        postId={post.id}
        server={post}
        previewHtml={post.body_html}
        stats={{ words: post.word_count, minutes: post.reading_minutes }}
        readOnly={!may.edit}
        result={result}
        actions={actions}
      />

      {may.edit ? (
        <section className="section" aria-labelledby="media-heading">
          <h2 id="media-heading">Images</h2>
          {images.length === 0 ? (
            <p className="muted">
              No images yet.{" "}
              <Link to={`/admin/${pub}/media`}>Upload some in the media library.</Link>
            </p>
          ) : (
            <>
              <Form method="post" className="actions">
                <Intent value="feature" />
                <label htmlFor="feature_media_id">Feature image</label>
                <select
                  id="feature_media_id"
                  name="feature_media_id"
                  defaultValue={featureMediaId ?? ""}
                >
                  <option value="">None</option>
                  {images.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
                </select>
                <button type="submit" className="button--secondary">
                  Set feature image
                </button>
              </Form>
              <p className="hint">To put an image in the text, copy its Markdown into the body.</p>
              <ul className="editor-images">
                {images.map((m) => (
                  <li key={m.id}>
                    <img src={m.url} alt={m.alt} width={96} height={64} loading="lazy" />
                    <input
                      readOnly
                      aria-label={`Markdown for ${m.name}`}
                      value={m.markdown}
                      onFocus={(e) => e.currentTarget.select()}
                    />
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      ) : null}

      {may.delete ? (
        <section className="section" aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete</h2>
          {confirmDelete || result?.intent === "delete" ? (
            <div className="card card--danger">
              <p>
                Delete “{post.title}” and all its revisions?{" "}
                {isLive ? "It disappears from the public site at once. " : ""}This cannot be undone.
              </p>
              <Form method="post" className="actions" onSubmit={() => clearDraft(post.id)}>
                <Intent value="delete" />
                <input type="hidden" name="confirm" value="yes" />
                <button type="submit" className="button--danger">
                  Yes, delete this post
                </button>
                <Link to={base}>Keep it</Link>
              </Form>
            </div>
          ) : (
            <Link to={`${base}?delete`} className="button button--danger">
              Delete post…
            </Link>
          )}
        </section>
      ) : null}
    </>
  );
}
