import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env";
import { problem } from "../../lib/problem";
import {
  createPost,
  getPost,
  getRevision,
  listPosts,
  listRevisions,
  postInput,
  postListQuery,
  postUpdateInput,
  restoreRevision,
  updatePost,
} from "../../services/posts";
import {
  requestDelete,
  requestPublish,
  requestSchedule,
  requestUnpublish,
  scheduleInput,
} from "../../services/publishing";
import { requireActor } from "../middleware/authenticate";
import { idempotent } from "../middleware/idempotency";
import { validate } from "../validate";

const pubParam = z.object({ pub: z.string().min(1).max(64) });
const postParam = pubParam.extend({ id: z.string().min(1).max(64) });
const revisionParam = postParam.extend({ version: z.coerce.number().int().positive() });

/** `If-Match: "7"` (or W/"7", or 7) → 7; absent → the body's `version`. */
function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined) {
  if (!ifMatch) return bodyVersion;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch.trim());
  if (!match)
    throw problem(400, 'If-Match must be the post\'s ETag, e.g. "7".', {
      code: "invalid_if_match",
    });
  return Number(match[1]);
}

/** `/api/v1/publications/{pub}/posts`: the Admin API for posts. */
export const postsApi = new Hono<AppEnv>()
  .get("/", validate("param", pubParam), validate("query", postListQuery), async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json(
      await listPosts(
        c.get("services"),
        requireActor(c),
        c.req.valid("param").pub,
        c.req.valid("query"),
      ),
    );
  })
  .post("/", idempotent, validate("param", pubParam), validate("json", postInput), async (c) => {
    const { pub } = c.req.valid("param");
    const post = await createPost(c.get("services"), requireActor(c), pub, c.req.valid("json"));
    c.header("Location", `/api/v1/publications/${pub}/posts/${post.id}`);
    c.header("ETag", `"${post.version}"`);
    return c.json(post, 201);
  })
  .get("/:id", validate("param", postParam), async (c) => {
    const { pub, id } = c.req.valid("param");
    const { post } = await getPost(c.get("services"), requireActor(c), pub, id);
    c.header("ETag", `"${post.version}"`);
    c.header("Cache-Control", "private, no-store");
    return c.json(post);
  })
  .patch("/:id", validate("param", postParam), validate("json", postUpdateInput), async (c) => {
    const { pub, id } = c.req.valid("param");
    const body = c.req.valid("json");
    const version = expectedVersion(c.req.header("if-match"), body.version);
    const post = await updatePost(c.get("services"), requireActor(c), pub, id, body, version);
    c.header("ETag", `"${post.version}"`);
    return c.json(post);
  })
  .delete("/:id", validate("param", postParam), async (c) => {
    const { pub, id } = c.req.valid("param");
    await requestDelete(c.get("services"), requireActor(c), pub, id);
    return c.body(null, 204);
  })
  .post("/:id/publish", validate("param", postParam), async (c) => {
    const { pub, id } = c.req.valid("param");
    const result = await requestPublish(c.get("services"), requireActor(c), pub, id);
    return c.json(result.post);
  })
  .post("/:id/unpublish", validate("param", postParam), async (c) => {
    const { pub, id } = c.req.valid("param");
    const result = await requestUnpublish(c.get("services"), requireActor(c), pub, id);
    return c.json(result.post);
  })
  .post(
    "/:id/schedule",
    validate("param", postParam),
    validate("json", scheduleInput),
    async (c) => {
      const { pub, id } = c.req.valid("param");
      const at = c.req.valid("json").publish_at;
      return c.json(await requestSchedule(c.get("services"), requireActor(c), pub, id, at));
    },
  )
  .delete("/:id/schedule", validate("param", postParam), async (c) => {
    const { pub, id } = c.req.valid("param");
    return c.json(await requestSchedule(c.get("services"), requireActor(c), pub, id, null));
  })
  .get("/:id/revisions", validate("param", postParam), async (c) => {
    const { pub, id } = c.req.valid("param");
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: await listRevisions(c.get("services"), requireActor(c), pub, id) });
  })
  .get("/:id/revisions/:version", validate("param", revisionParam), async (c) => {
    const { pub, id, version } = c.req.valid("param");
    c.header("Cache-Control", "private, no-store");
    return c.json(await getRevision(c.get("services"), requireActor(c), pub, id, version));
  })
  .post("/:id/revisions/:version/restore", validate("param", revisionParam), async (c) => {
    const { pub, id, version } = c.req.valid("param");
    const body = (await c.req.json().catch(() => ({}))) as { version?: unknown };
    const expected = expectedVersion(
      c.req.header("if-match"),
      typeof body.version === "number" ? body.version : undefined,
    );
    const post = await restoreRevision(
      c.get("services"),
      requireActor(c),
      pub,
      id,
      version,
      expected,
    );
    c.header("ETag", `"${post.version}"`);
    return c.json(post);
  });
