import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env";
import { decodeHeaderFileName } from "../../lib/http-media";
import {
  abortUpload,
  completeUpload,
  createUpload,
  declaredLength,
  deleteMedium,
  getMedium,
  getUpload,
  listMedia,
  mediaListQuery,
  mediaUpdateInput,
  updateMedium,
  uploadCreateInput,
  uploadMedia,
  uploadPart,
} from "../../services/media";
import { requireActor } from "../middleware/authenticate";
import { idempotent } from "../middleware/idempotency";
import { validate } from "../validate";

/**
 * Paths whose bodies are files, not JSON: the global 1 MiB body limit skips
 * them (worker/api/app.ts) and the media service enforces its own limits,
 * from Content-Length before reading and while streaming.
 */
export const MEDIA_UPLOAD_PATHS =
  /^\/api\/v1\/publications\/[^/]+\/media(?:\/uploads\/[^/]+\/parts\/[^/]+)?\/?$/i;

const pubParam = z.object({ pub: z.string().min(1).max(64) });
const idParam = pubParam.extend({ id: z.string().min(1).max(64) });
const partParam = idParam.extend({ n: z.coerce.number().int().min(1).max(10_000) });
const uploadQuery = z.object({ filename: z.string().max(1000).optional() });

const privateNoStore = { "Cache-Control": "private, no-store" };

/** `/api/v1/publications/{pub}/media`: the Admin API for media. */
export const mediaApi = new Hono<AppEnv>()
  .get("/", validate("param", pubParam), validate("query", mediaListQuery), async (c) => {
    const { pub } = c.req.valid("param");
    const page = await listMedia(c.get("services"), requireActor(c), pub, c.req.valid("query"));
    return c.json(page, 200, privateNoStore);
  })
  // One file per request: raw bytes (name in X-File-Name or ?filename=), or a
  // multipart/form-data body with a `file` field. 201 new, 200 already stored.
  .post("/", validate("param", pubParam), validate("query", uploadQuery), async (c) => {
    const { pub } = c.req.valid("param");
    const actor = requireActor(c);
    const { medium, created } = await uploadMedia(c.get("services"), actor, pub, {
      body: c.req.raw.body,
      contentType: c.req.header("content-type") ?? null,
      contentLength: declaredLength(c.req.header("content-length")),
      fileName:
        decodeHeaderFileName(c.req.header("x-file-name")) ?? c.req.valid("query").filename ?? null,
    });
    c.header("Location", `/api/v1/publications/${pub}/media/${medium.id}`);
    return c.json(medium, created ? 201 : 200);
  })
  .post(
    "/uploads",
    idempotent,
    validate("param", pubParam),
    validate("json", uploadCreateInput),
    async (c) => {
      const { pub } = c.req.valid("param");
      const upload = await createUpload(
        c.get("services"),
        requireActor(c),
        pub,
        c.req.valid("json"),
      );
      c.header("Location", `/api/v1/publications/${pub}/media/uploads/${upload.id}`);
      return c.json(upload, 201);
    },
  )
  .get("/uploads/:id", validate("param", idParam), async (c) => {
    const { pub, id } = c.req.valid("param");
    const upload = await getUpload(c.get("services"), requireActor(c), pub, id);
    return c.json(upload, 200, privateNoStore);
  })
  .put("/uploads/:id/parts/:n", validate("param", partParam), async (c) => {
    const { pub, id, n } = c.req.valid("param");
    const part = await uploadPart(c.get("services"), requireActor(c), pub, id, n, {
      body: c.req.raw.body,
      contentLength: declaredLength(c.req.header("content-length")),
    });
    return c.json(part);
  })
  .post("/uploads/:id/complete", validate("param", idParam), async (c) => {
    const { pub, id } = c.req.valid("param");
    const { medium, created } = await completeUpload(c.get("services"), requireActor(c), pub, id);
    c.header("Location", `/api/v1/publications/${pub}/media/${medium.id}`);
    return c.json(medium, created ? 201 : 200);
  })
  .delete("/uploads/:id", validate("param", idParam), async (c) => {
    const { pub, id } = c.req.valid("param");
    await abortUpload(c.get("services"), requireActor(c), pub, id);
    return c.body(null, 204);
  })
  .get("/:id", validate("param", idParam), async (c) => {
    const { pub, id } = c.req.valid("param");
    return c.json(
      await getMedium(c.get("services"), requireActor(c), pub, id),
      200,
      privateNoStore,
    );
  })
  .patch("/:id", validate("param", idParam), validate("json", mediaUpdateInput), async (c) => {
    const { pub, id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await updateMedium(c.get("services"), requireActor(c), pub, id, input));
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const { pub, id } = c.req.valid("param");
    await deleteMedium(c.get("services"), requireActor(c), pub, id);
    return c.body(null, 204);
  });
