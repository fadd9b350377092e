import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { adminTitle } from "~/components/admin-nav";
import { Timestamp } from "~/components/timestamp";
import editorStyles from "~/styles/editor.css?url";
import { publicationPage } from "~/utils/admin.server";
import { privatePage } from "~/utils/headers.server";
import { attempt, refuse } from "~/utils/problems.server";
import { listPosts, type POST_LIST_STATUSES, postListQuery } from "../../worker/services/posts";

export const headers = privatePage;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: editorStyles }];

export const meta: MetaFunction = ({ matches }) => adminTitle(matches, "Posts");

// Listed here, not imported: the component must not pull the services into the browser.
const STATUSES = [
  "draft",
  "scheduled",
  "published",
  "archived",
] as const satisfies readonly (typeof POST_LIST_STATUSES)[number][];

const FILTERS = ["status", "tag", "author", "q", "limit"] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

const NOTICES: Record<string, string> = {
  deleted: "Post deleted.",
};

/** `2026-01-15 09:00` in the publication's zone. */
function inZone(iso: string | null, timeZone: string): string | null {
  if (!iso) return null;
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { services, actor, publication } = await publicationPage(request, context, params.pub);
  const url = new URL(request.url);
  const filters: Filters = {};
  for (const key of FILTERS) {
    const value = url.searchParams.get(key)?.trim();
    if (value) filters[key] = value;
  }
  const cursor = url.searchParams.get("cursor") || undefined;

  let problem: string | null = null;
  const parsed = postListQuery.safeParse({ ...filters, cursor });
  let query = parsed.success ? parsed.data : postListQuery.parse({});
  if (!parsed.success) problem = "Some filters were not valid and were ignored.";

  let listed = await attempt(listPosts(services, actor, publication.id, query));
  if (!listed.ok && listed.problem.init.code === "invalid_cursor") {
    problem = "That page link has expired; showing the first page.";
    query = { ...query, cursor: undefined };
    listed = await attempt(listPosts(services, actor, publication.id, query));
  }
  if (!listed.ok) {
    const { status } = listed.problem.init;
    if (status === 403 || status === 404) refuse(status);
    throw listed.problem;
  }
  const result = listed.value;

  const timezone = publication.timezone;
  return {
    pub: publication.slug,
    timezone,
    filters,
    isFirstPage: !query.cursor,
    problem,
    notice: NOTICES[url.searchParams.get("notice") ?? ""] ?? null,
    posts: result.data.map((p) => ({
      ...p,
      scheduled_local: inZone(p.scheduled_at, timezone),
    })),
    next_cursor: result.next_cursor,
  };
}

function query(filters: Filters, cursor?: string) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (cursor) params.set("cursor", cursor);
  const s = params.toString();
  return s ? `?${s}` : "";
}

const STATUS_BADGE: Record<string, string> = {
  draft: "badge",
  scheduled: "badge badge--accent",
  published: "badge badge--success",
  archived: "badge",
};

export default function Posts() {
  const { pub, timezone, filters, isFirstPage, problem, notice, posts, next_cursor } =
    useLoaderData<typeof loader>();
  const filtered = Boolean(filters.status || filters.tag || filters.author || filters.q);
  return (
    <>
      <div className="page-heading">
        <h1>Posts</h1>
        <Link to={`/admin/${pub}/posts/new`} className="button">
          New post
        </Link>
      </div>

      {notice ? (
        <div className="alert alert--success" role="status">
          {notice}
        </div>
      ) : null}
      {problem ? (
        <div className="alert alert--warning" role="status">
          {problem}
        </div>
      ) : null}

      <Form method="get" className="filter-bar" aria-label="Filter posts">
        <div className="field">
          <label htmlFor="filter-q">Title</label>
          <input
            id="filter-q"
            name="q"
            type="search"
            defaultValue={filters.q ?? ""}
            maxLength={100}
          />
        </div>
        <div className="field">
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" name="status" defaultValue={filters.status ?? ""}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-tag">Tag</label>
          <input id="filter-tag" name="tag" defaultValue={filters.tag ?? ""} maxLength={60} />
        </div>
        <div className="field">
          <label htmlFor="filter-author">Author</label>
          <input
            id="filter-author"
            name="author"
            defaultValue={filters.author ?? ""}
            placeholder="handle"
            maxLength={64}
          />
        </div>
        {filters.limit ? <input type="hidden" name="limit" value={filters.limit} /> : null}
        <div className="filter-bar__actions">
          <button type="submit" className="button--secondary">
            Filter
          </button>
          {filtered ? <Link to={`/admin/${pub}/posts`}>Clear</Link> : null}
        </div>
      </Form>

      {posts.length ? (
        <div className="table-wrap">
          <table className="posts-table">
            <caption className="visually-hidden">
              Posts{filtered ? " matching the filters" : ""}, most recently updated first
            </caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Author</th>
                <th scope="col">Tags</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {posts.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/admin/${pub}/posts/${p.id}`} className="posts-table__title">
                      {p.title}
                    </Link>
                    <div className="muted posts-table__slug">/{p.slug}</div>
                  </td>
                  <td>
                    <span className={STATUS_BADGE[p.status] ?? "badge"}>{p.status}</span>
                    {p.has_unpublished_changes ? (
                      <span className="badge badge--warning posts-table__marker">
                        unpublished changes
                      </span>
                    ) : null}
                    {p.scheduled_local ? (
                      <div className="posts-table__note">
                        {`Scheduled for ${p.scheduled_local} (${timezone})`}
                      </div>
                    ) : null}
                    {p.schedule_result ? (
                      <div
                        className={
                          p.schedule_result.startsWith("failed")
                            ? "posts-table__note field-error"
                            : "posts-table__note muted"
                        }
                      >
                        Schedule: {p.schedule_result}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <Link to={`/admin/${pub}/posts${query({ ...filters, author: p.author.id })}`}>
                      {p.author.name || "—"}
                    </Link>
                  </td>
                  <td>
                    {p.tags.length ? (
                      <ul className="tag-list">
                        {p.tags.map((t) => (
                          <li key={t}>
                            <Link
                              className="badge"
                              to={`/admin/${pub}/posts${query({ ...filters, tag: t })}`}
                            >
                              {t}
                            </Link>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <Timestamp iso={p.updated_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <div className="empty-state">
          <p>
            {filtered
              ? "No posts match these filters."
              : isFirstPage
                ? "No posts yet. Write the first one."
                : "No more posts."}
          </p>
        </div>
      )}

      <nav className="pager" aria-label="Pages of posts">
        {isFirstPage ? null : <Link to={`/admin/${pub}/posts${query(filters)}`}>First page</Link>}
        {next_cursor ? (
          <Link to={`/admin/${pub}/posts${query(filters, next_cursor)}`} rel="next">
            Next page
          </Link>
        ) : null}
      </nav>
    </>
  );
}
