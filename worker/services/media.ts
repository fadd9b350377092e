import { createHash } from "node:crypto";
import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import {
  MEDIA_KINDS,
  type MediaKind,
  type MediaUpload,
  type Medium,
  media,
  mediaUploadParts,
  mediaUploads,
  mediaUsage,
  posts,
  publishedPosts,
} from "../db/schema";
import type { Env } from "../env";
import { uuidv7 } from "../lib/crypto";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { sanitizeFileName } from "../lib/http-media";
import {
  type ImageDimensions,
  imageDimensions,
  isSvg,
  looksLikeActiveContent,
  type SniffResult,
  sniffMedia,
} from "../lib/media-sniff";
import { formBoundary, MultipartFormError, streamFormFile } from "../lib/multipart-form";
import { ProblemError, problem } from "../lib/problem";
import { auditStatement } from "./audit";
import type { Actor, ServiceContext } from "./context";
import { type Action, can, scopesAllow } from "./permissions";
import { accessPublication, type PublicationAccess } from "./publications";

/*
 * Media: files in R2, metadata in D1. The rules (docs/decisions/014-media-deletion.md):
 * - the type comes from the bytes; SVG, HTML, scripts and polyglots are refused
 *   with 415 before anything is written to R2;
 * - keys are generated here (`pub/{publicationId}/{uuid}.{ext}`), written once,
 *   never reused; the client's file name is metadata only;
 * - bodies are streamed to R2 while their sha256 is computed; a body without a
 *   Content-Length is buffered one 5 MiB part at a time, never whole;
 * - identical bytes are stored once per publication (same sha256 → the existing
 *   medium, 200 instead of 201);
 * - a per-publication byte counter (`media_usage`) enforces the quota in the
 *   same D1 batch as the insert;
 * - a medium used by a post (feature image or body) cannot be deleted (409).
 */

// ---- limits --------------------------------------------------------------------------

/** Bytes inspected to decide the type (sniffMedia wants at least 4 KiB). */
const SNIFF_BYTES = 4096;
/** Bytes kept for reading image dimensions (JPEG headers can follow large EXIF blocks). */
const DIMENSION_BYTES = 256 * 1024;
/** R2 multipart part size: its minimum, and all parts but the last must be equal. */
export const PART_BYTES = 5 * 1024 * 1024;
/** Allowance for the boundary and headers of a multipart/form-data body. */
const FORM_OVERHEAD_BYTES = 64 * 1024;
const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_PARTS = 10_000;

export interface MediaLimits {
  /** Largest medium, however uploaded. */
  maxBytes: number;
  /** Largest single-request upload; bigger files use multipart upload. */
  singleMaxBytes: number;
  /** Storage per publication. */
  quotaBytes: number;
  partBytes: number;
}

const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
};

export function mediaLimits(env: Env): MediaLimits {
  const maxBytes = positive(env.MEDIA_MAX_BYTES, 100 * 1024 * 1024);
  return {
    maxBytes,
    singleMaxBytes: Math.min(maxBytes, positive(env.MEDIA_MULTIPART_THRESHOLD, 20 * 1024 * 1024)),
    quotaBytes: positive(env.MEDIA_QUOTA_BYTES, 1024 * 1024 * 1024),
    partBytes: PART_BYTES,
  };
}

// ---- input schemas -------------------------------------------------------------------

export const mediaListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  type: z.enum(MEDIA_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.string().max(400).optional(),
});

export const mediaUpdateInput = z.object({
  alt: z.string().trim().max(500, "Alt text is at most 500 characters."),
});

export const uploadCreateInput = z.object({
  filename: z.string().trim().min(1, "Name the file.").max(500),
  size: z.number().int().positive("The file is empty."),
});

// ---- views ---------------------------------------------------------------------------

/** The public address of a stored file (served by worker/site/media.ts). */
export const mediaUrl = (key: string) => `/media/${key}`;

const withoutExtension = (name: string) => name.replace(/\.[^.]{1,10}$/, "");
const markdownLabel = (text: string) => text.replace(/([\\[\]])/g, "\\$1");

/** What a writer pastes into a post: an image, or a link for other files. */
export function mediaMarkdown(m: Pick<Medium, "kind" | "alt" | "originalName" | "r2Key">) {
  const label = markdownLabel(m.alt || withoutExtension(m.originalName));
  return m.kind === "image"
    ? `![${label}](${mediaUrl(m.r2Key)})`
    : `[${label}](${mediaUrl(m.r2Key)})`;
}

export function toMediaView(m: Medium) {
  return {
    id: m.id,
    publication_id: m.publicationId,
    url: mediaUrl(m.r2Key),
    original_name: m.originalName,
    content_type: m.contentType,
    kind: m.kind,
    size: m.size,
    width: m.width,
    height: m.height,
    sha256: m.sha256,
    alt: m.alt,
    uploader_id: m.uploaderId,
    created_at: m.createdAt,
    markdown: mediaMarkdown(m),
  };
}

export type MediaView = ReturnType<typeof toMediaView>;

// ---- access --------------------------------------------------------------------------

/**
 * The tenant gate for media. Reading the library: every member, and API keys
 * with media or post scopes; uploading: `media.upload`. Other publications → 404.
 */
async function mediaAccess(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  need: "read" | "upload",
): Promise<PublicationAccess> {
  if (need === "upload") return accessPublication(ctx, actor, pubRef, "media.upload");
  const action: Action =
    actor.kind === "api_key" && scopesAllow(actor.scopes, "media.upload")
      ? "media.upload"
      : "publication.read";
  return accessPublication(ctx, actor, pubRef, action);
}

/** What permission checks need of an access: the member's role, or the key's scopes. */
type Grant = Pick<PublicationAccess, "role" | "actor">;

function allowed(access: Grant, action: Action): boolean {
  if (access.role) return can(access.role, action);
  return access.actor.kind === "api_key" && scopesAllow(access.actor.scopes, action);
}

/** Deleting (or editing) needs `*_any`, or `*_own` on media this person uploaded. */
export function mayChangeMedium(
  access: Grant,
  medium: Pick<Medium, "uploaderId">,
  verb: "delete" | "edit",
): boolean {
  if (allowed(access, "media.delete_any")) return true;
  const own = access.actor.kind === "user" && medium.uploaderId === access.actor.userId;
  return own && allowed(access, verb === "delete" ? "media.delete_own" : "media.upload");
}

/** A medium of this publication, or 404 (also for other publications' media). */
export async function findMedium(
  ctx: ServiceContext,
  publicationId: string,
  id: string,
): Promise<Medium> {
  const medium = await ctx.db.query.media.findFirst({
    where: and(eq(media.id, id), eq(media.publicationId, publicationId)),
  });
  if (!medium) throw problem(404, "No such medium.");
  return medium;
}

// ---- type checks ---------------------------------------------------------------------

const ALLOWED_TYPES = "PNG, JPEG, GIF, WebP, AVIF, MP4, WebM, MP3, Ogg, WAV and PDF";

/** Decides the type from the first bytes, or refuses with 415. Nothing is stored yet. */
export function inspectHead(head: Uint8Array): SniffResult {
  if (isSvg(head)) {
    throw problem(
      415,
      "SVG files are not accepted: they can carry scripts. Upload the image as PNG, WebP or AVIF.",
      { code: "svg_not_allowed" },
    );
  }
  if (looksLikeActiveContent(head)) {
    throw problem(415, "This file contains HTML or script markup, so it is refused.", {
      code: "active_content",
    });
  }
  const sniffed = sniffMedia(head);
  if (!sniffed) {
    throw problem(
      415,
      `This kind of file is not accepted (decided from its contents, not its name). Allowed: ${ALLOWED_TYPES}.`,
      { code: "unsupported_media_type" },
    );
  }
  return sniffed;
}

function kindOf(contentType: string): MediaKind {
  if (contentType.startsWith("image/")) return "image";
  if (contentType.startsWith("video/")) return "video";
  if (contentType.startsWith("audio/")) return "audio";
  return "document";
}

/** Server-generated, write-once, unguessable; the extension follows the sniffed type. */
function newKey(publicationId: string, extension: string): string {
  return `pub/${publicationId}/${crypto.randomUUID()}.${extension}`;
}

const KEY_SHAPE = /^pub\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.[a-z0-9]{2,5}$/;

// ---- byte plumbing -------------------------------------------------------------------

/** Counts, hashes and keeps the first bytes of a stream as it passes. */
class ByteMeter {
  total = 0;
  private readonly hash = createHash("sha256");
  private readonly head: Uint8Array[] = [];
  private headBytes = 0;

  constructor(
    private readonly limit: number,
    private readonly tooLarge: () => ProblemError,
    private readonly hashing = true,
  ) {}

  add(chunk: Uint8Array) {
    this.total += chunk.byteLength;
    if (this.total > this.limit) throw this.tooLarge();
    if (this.hashing) this.hash.update(chunk);
    if (this.headBytes < DIMENSION_BYTES) {
      const slice = chunk.slice(0, DIMENSION_BYTES - this.headBytes);
      this.head.push(slice);
      this.headBytes += slice.byteLength;
    }
  }

  sha256(): string {
    return this.hash.digest("hex");
  }

  dimensions(contentType: string): ImageDimensions | null {
    if (!contentType.startsWith("image/")) return null;
    return imageDimensions(concat(this.head, this.headBytes), contentType);
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]?.byteLength === total) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Reads at least SNIFF_BYTES (or the whole stream if shorter). */
async function readHead(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  meter: ByteMeter,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < SNIFF_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!value.byteLength) continue;
    meter.add(value);
    chunks.push(value);
    bytes += value.byteLength;
  }
  return concat(chunks, bytes);
}

/**
 * The head followed by the rest of the reader, metered, as a stream R2 can take
 * (FixedLengthStream: R2 needs to know the length up front).
 */
function meteredStream(
  head: Uint8Array,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  meter: ByteMeter,
  length: number,
  failed: { error?: unknown },
): ReadableStream<Uint8Array> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.byteLength) controller.enqueue(head);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        meter.add(value);
        controller.enqueue(value);
      } catch (err) {
        failed.error = err;
        controller.error(err);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return source.pipeThrough(new FixedLengthStream(length));
}

const lengthMismatch = () =>
  problem(400, "The body did not match its Content-Length.", { code: "body_length_mismatch" });

interface Stored {
  key: string;
  size: number;
  sha256: string;
  contentType: string;
  kind: MediaKind;
  dimensions: ImageDimensions | null;
}

/**
 * Streams one upload into R2: sniff the head (415 before any write), then the
 * rest with its sha256. With a Content-Length the body flows straight through;
 * without one it goes up in 5 MiB parts (R2 must know each write's length), so
 * at most one part is ever held in memory.
 */
async function storeUpload(
  ctx: ServiceContext,
  publicationId: string,
  body: ReadableStream<Uint8Array>,
  declaredLength: number | null,
  meter: ByteMeter,
): Promise<Stored> {
  const reader = body.getReader();
  try {
    const head = await readHead(reader, meter);
    if (!head.byteLength) throw problem(400, "The file is empty.", { code: "empty_file" });
    const sniffed = inspectHead(head);
    const key = newKey(publicationId, sniffed.extension);
    const options: R2PutOptions = {
      httpMetadata: { contentType: sniffed.contentType },
      customMetadata: { publication: publicationId },
    };

    if (declaredLength !== null) {
      const failed: { error?: unknown } = {};
      try {
        await ctx.env.MEDIA.put(
          key,
          meteredStream(head, reader, meter, declaredLength, failed),
          options,
        );
      } catch (err) {
        await discardObject(ctx, key);
        if (failed.error) throw failed.error;
        if (meter.total !== declaredLength) throw lengthMismatch();
        throw err;
      }
    } else {
      await putInParts(ctx, key, head, reader, meter, options);
    }
    return {
      key,
      size: meter.total,
      sha256: meter.sha256(),
      contentType: sniffed.contentType,
      kind: kindOf(sniffed.contentType),
      dimensions: meter.dimensions(sniffed.contentType),
    };
  } catch (err) {
    await reader.cancel().catch(() => {});
    throw err;
  }
}

async function putInParts(
  ctx: ServiceContext,
  key: string,
  head: Uint8Array,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  meter: ByteMeter,
  options: R2PutOptions,
) {
  let pending: Uint8Array[] = [head];
  let pendingBytes = head.byteLength;
  let upload: R2MultipartUpload | null = null;
  const parts: R2UploadedPart[] = [];

  const takePart = (): Uint8Array => {
    const part = new Uint8Array(PART_BYTES);
    let filled = 0;
    while (filled < PART_BYTES) {
      const chunk = pending.shift() as Uint8Array;
      const n = Math.min(chunk.byteLength, PART_BYTES - filled);
      part.set(chunk.subarray(0, n), filled);
      filled += n;
      if (n < chunk.byteLength) pending.unshift(chunk.subarray(n));
    }
    pendingBytes -= PART_BYTES;
    return part;
  };

  try {
    for (;;) {
      while (pendingBytes >= PART_BYTES) {
        upload ??= await ctx.env.MEDIA.createMultipartUpload(key, options);
        parts.push(await upload.uploadPart(parts.length + 1, takePart()));
      }
      const { done, value } = await reader.read();
      if (done) break;
      meter.add(value);
      pending.push(value);
      pendingBytes += value.byteLength;
    }
    const rest = concat(pending, pendingBytes);
    pending = [];
    if (!upload) {
      await ctx.env.MEDIA.put(key, rest, options);
    } else {
      if (rest.byteLength) parts.push(await upload.uploadPart(parts.length + 1, rest));
      await upload.complete(parts);
    }
  } catch (err) {
    await upload?.abort().catch(() => {});
    throw err;
  }
}

async function discardObject(ctx: ServiceContext, key: string) {
  try {
    await ctx.env.MEDIA.delete(key);
  } catch (err) {
    // An orphan under an unguessable key without a row is never served; log it for cleanup.
    console.error(
      JSON.stringify({ level: "error", msg: "r2 delete failed", key, error: String(err) }),
    );
  }
}

// ---- quota ---------------------------------------------------------------------------

async function bytesUsed(ctx: ServiceContext, publicationId: string): Promise<number> {
  const row = await ctx.db.query.mediaUsage.findFirst({
    where: eq(mediaUsage.publicationId, publicationId),
  });
  return row?.bytes ?? 0;
}

/** Declared sizes of multipart uploads still running: space they will need. */
async function bytesReserved(ctx: ServiceContext, publicationId: string): Promise<number> {
  const row = await ctx.db
    .select({ bytes: sql<number>`coalesce(sum(${mediaUploads.size}), 0)` })
    .from(mediaUploads)
    .where(
      and(
        eq(mediaUploads.publicationId, publicationId),
        eq(mediaUploads.status, "active"),
        gt(mediaUploads.expiresAt, new Date().toISOString()),
      ),
    )
    .get();
  return Number(row?.bytes ?? 0);
}

const quotaExceeded = (quota: number, used: number, size: number) =>
  problem(
    413,
    `This publication's media storage is full: ${formatBytes(used)} of ${formatBytes(quota)} used, and this file needs ${formatBytes(size)}. Delete unused media or ask for more space.`,
    { code: "quota_exceeded", extra: { quota_bytes: quota, used_bytes: used, size } },
  );

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export async function mediaStorage(ctx: ServiceContext, publicationId: string) {
  return {
    used_bytes: await bytesUsed(ctx, publicationId),
    quota_bytes: mediaLimits(ctx.env).quotaBytes,
  };
}

function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(" | ");
}

const nameKey = (name: string) => name.normalize("NFC").toLowerCase();

/**
 * Records a stored file as a medium, or finds its twin. One D1 batch (one
 * transaction) inserts the row, adds its size to the publication's counter and
 * writes the audit entry. The quota is checked inside the insert itself: over
 * quota, the size expression is NULL, the NOT NULL constraint aborts the whole
 * batch, and nothing is recorded, however many uploads race.
 */
async function commitMedium(
  ctx: ServiceContext,
  access: PublicationAccess,
  stored: Stored,
  originalName: string,
  via: "single" | "form" | "multipart",
): Promise<{ medium: Medium; created: boolean }> {
  const pubId = access.publication.id;
  const twin = async () =>
    ctx.db.query.media.findFirst({
      where: and(eq(media.publicationId, pubId), eq(media.sha256, stored.sha256)),
    });
  const existing = await twin();
  if (existing) {
    await discardObject(ctx, stored.key);
    return { medium: existing, created: false };
  }

  const { quotaBytes } = mediaLimits(ctx.env);
  const id = uuidv7();
  const actor = access.actor;
  try {
    await ctx.db.batch([
      ctx.db.insert(media).values({
        id,
        publicationId: pubId,
        uploaderId: actor.kind === "user" ? actor.userId : null,
        r2Key: stored.key,
        originalName,
        nameKey: nameKey(originalName),
        contentType: stored.contentType,
        kind: stored.kind,
        size: sql`CASE WHEN coalesce((SELECT bytes FROM media_usage WHERE publication_id = ${pubId}), 0) + ${stored.size} <= ${quotaBytes} THEN ${stored.size} END`,
        width: stored.dimensions?.width ?? null,
        height: stored.dimensions?.height ?? null,
        sha256: stored.sha256,
      }),
      ctx.db
        .insert(mediaUsage)
        .values({ publicationId: pubId, bytes: stored.size })
        .onConflictDoUpdate({
          target: mediaUsage.publicationId,
          set: { bytes: sql`${mediaUsage.bytes} + ${stored.size}` },
        }),
      auditStatement(ctx, {
        action: "media.uploaded",
        actor,
        publicationId: pubId,
        targetType: "media",
        targetId: id,
        metadata: {
          name: originalName,
          content_type: stored.contentType,
          size: stored.size,
          sha256: stored.sha256,
          via,
        },
      }),
    ]);
  } catch (err) {
    const text = errorText(err);
    await discardObject(ctx, stored.key);
    if (text.includes("NOT NULL constraint failed: media.size")) {
      throw quotaExceeded(quotaBytes, await bytesUsed(ctx, pubId), stored.size);
    }
    if (text.includes("UNIQUE constraint failed") && text.includes("media.sha256")) {
      const winner = await twin();
      if (winner) return { medium: winner, created: false };
    }
    throw err;
  }
  return { medium: await findMedium(ctx, pubId, id), created: true };
}

// ---- single-request upload ---------------------------------------------------------------

export interface UploadSource {
  body: ReadableStream<Uint8Array> | null;
  /** The request's Content-Type: only used to tell a form upload from raw bytes. */
  contentType: string | null;
  /** The request's Content-Length, if it sent one. */
  contentLength: number | null;
  /** `X-File-Name` or `?filename=`; a form's file name otherwise. */
  fileName: string | null;
}

export function declaredLength(header: string | null | undefined): number | null {
  if (header === null || header === undefined || !/^\d+$/.test(header.trim())) return null;
  return Number(header);
}

/**
 * Uploads one file in one request: the raw bytes as the body, or a
 * multipart/form-data body with a `file` field (plain HTML forms). Returns the
 * medium and whether it is new (false: the same bytes were already here).
 */
export async function uploadMedia(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  source: UploadSource,
): Promise<{ medium: MediaView; created: boolean }> {
  const access = await mediaAccess(ctx, actor, pubRef, "upload");
  const pubId = access.publication.id;
  const limits = mediaLimits(ctx.env);
  const boundary = formBoundary(source.contentType);
  const declared = source.contentLength;

  const tooLarge = () =>
    limits.singleMaxBytes < limits.maxBytes
      ? problem(
          413,
          `Files above ${formatBytes(limits.singleMaxBytes)} are uploaded in parts: use POST …/media/uploads.`,
          {
            code: "use_multipart_upload",
            extra: { max_single_bytes: limits.singleMaxBytes, part_size: limits.partBytes },
          },
        )
      : problem(413, `Files are limited to ${formatBytes(limits.maxBytes)}.`, {
          code: "media_too_large",
          extra: { max_bytes: limits.maxBytes },
        });

  // Refusals that need no byte of the body.
  if (declared !== null) {
    if (declared > limits.maxBytes) {
      throw problem(413, `Files are limited to ${formatBytes(limits.maxBytes)}.`, {
        code: "media_too_large",
        extra: { max_bytes: limits.maxBytes },
      });
    }
    if (declared > limits.singleMaxBytes + (boundary ? FORM_OVERHEAD_BYTES : 0)) throw tooLarge();
    if (declared === 0) throw problem(400, "The file is empty.", { code: "empty_file" });
    if (!boundary) {
      const used = await bytesUsed(ctx, pubId);
      if (used + declared > limits.quotaBytes) {
        throw quotaExceeded(limits.quotaBytes, used, declared);
      }
    }
  }
  if (!source.body)
    throw problem(400, "Send the file as the request body.", { code: "empty_file" });

  let body = source.body;
  let name = source.fileName;
  if (boundary) {
    let file: Awaited<ReturnType<typeof streamFormFile>>;
    try {
      file = await streamFormFile(body, boundary, "file");
    } catch (err) {
      if (err instanceof MultipartFormError) {
        throw problem(400, err.message, { code: "invalid_form" });
      }
      throw err;
    }
    if (!file) {
      throw problem(422, "Choose a file to upload.", {
        code: "validation_failed",
        errors: [{ field: "file", message: "Choose a file to upload." }],
      });
    }
    body = file.body;
    name ??= file.fileName;
  } else if (source.contentType && /^multipart\//i.test(source.contentType)) {
    throw problem(400, "A multipart body needs a boundary.", { code: "invalid_form" });
  }

  const meter = new ByteMeter(limits.singleMaxBytes, tooLarge);
  let stored: Stored;
  try {
    stored = await storeUpload(ctx, pubId, body, boundary ? null : declared, meter);
  } catch (err) {
    if (err instanceof MultipartFormError)
      throw problem(400, err.message, { code: "invalid_form" });
    throw err;
  }
  const originalName = sanitizeFileName(name, `file.${extensionOf(stored.key)}`);
  const result = await commitMedium(
    ctx,
    access,
    stored,
    originalName,
    boundary ? "form" : "single",
  );
  return { medium: toMediaView(result.medium), created: result.created };
}

const extensionOf = (key: string) => key.slice(key.lastIndexOf(".") + 1);

// ---- library ---------------------------------------------------------------------------

/** The smallest string greater than every string starting with `prefix` (binary order). */
function prefixEnd(prefix: string): string {
  const points = [...prefix];
  const last = points.pop();
  if (last === undefined) return "\u{10ffff}";
  let next = (last.codePointAt(0) ?? 0) + 1;
  if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
  if (next > 0x10ffff) return `${prefix}\u{10ffff}`;
  return points.join("") + String.fromCodePoint(next);
}

/**
 * A page of the library. Without `q`: newest first (keyset on created_at, id).
 * With `q`: names that START with q, case-insensitively, in name order: a
 * range scan of (publication_id, name_key), so it stays fast however many
 * files a publication has (a substring LIKE would read them all).
 */
export async function listMedia(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  query: z.infer<typeof mediaListQuery>,
) {
  const access = await mediaAccess(ctx, actor, pubRef, "read");
  const pubId = access.publication.id;
  const conditions: (SQL | undefined)[] = [eq(media.publicationId, pubId)];
  if (query.type) conditions.push(eq(media.kind, query.type));
  const after = decodeCursor(query.cursor);
  const q = query.q ? nameKey(query.q) : "";

  let rows: Medium[];
  if (q) {
    conditions.push(gte(media.nameKey, q), lt(media.nameKey, prefixEnd(q)));
    // A row-value comparison is one index range; `a > x OR (a = x AND id > y)` is not
    // (SQLite would read every earlier row again on each page).
    if (after)
      conditions.push(sql`(${media.nameKey}, ${media.id}) > (${after.sortValue}, ${after.id})`);
    rows = await ctx.db
      .select()
      .from(media)
      .where(and(...conditions))
      .orderBy(asc(media.nameKey), asc(media.id))
      .limit(query.limit + 1);
  } else {
    if (after) {
      conditions.push(sql`(${media.createdAt}, ${media.id}) < (${after.sortValue}, ${after.id})`);
    }
    rows = await ctx.db
      .select()
      .from(media)
      .where(and(...conditions))
      .orderBy(desc(media.createdAt), desc(media.id))
      .limit(query.limit + 1);
  }
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map(toMediaView),
    next_cursor:
      rows.length > query.limit && last
        ? encodeCursor(q ? last.nameKey : last.createdAt, last.id)
        : null,
    storage: await mediaStorage(ctx, pubId),
  };
}

export async function getMedium(ctx: ServiceContext, actor: Actor, pubRef: string, id: string) {
  const access = await mediaAccess(ctx, actor, pubRef, "read");
  return toMediaView(await findMedium(ctx, access.publication.id, id));
}

export async function updateMedium(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  id: string,
  input: z.infer<typeof mediaUpdateInput>,
) {
  const access = await mediaAccess(ctx, actor, pubRef, "read");
  const medium = await findMedium(ctx, access.publication.id, id);
  if (!mayChangeMedium(access, medium, "edit")) {
    throw problem(403, "Your role may only change media you uploaded.", { code: "forbidden" });
  }
  const [updated] = await ctx.db.batch([
    ctx.db.update(media).set({ alt: input.alt }).where(eq(media.id, medium.id)).returning(),
    auditStatement(ctx, {
      action: "media.updated",
      actor,
      publicationId: access.publication.id,
      targetType: "media",
      targetId: medium.id,
      metadata: { fields: ["alt"] },
    }),
  ]);
  return toMediaView(updated[0] as Medium);
}

export interface MediumUse {
  id: string;
  title: string;
  slug: string;
  status: string;
  /** Where the medium appears: the working copy's feature image or body, or the published copy. */
  uses: ("feature_image" | "body" | "published")[];
}

/**
 * Posts of the publication that show this medium: as feature image or in the
 * Markdown body, in the working copy or in the copy readers see. Reads the
 * publication's posts through its index; deleting is rare enough for that.
 */
export async function postsUsingMedium(
  ctx: ServiceContext,
  publicationId: string,
  medium: Pick<Medium, "id" | "r2Key">,
): Promise<MediumUse[]> {
  const [working, live] = await Promise.all([
    ctx.db
      .select({
        id: posts.id,
        title: posts.title,
        slug: posts.slug,
        status: posts.status,
        feature: sql<number>`${posts.featureMediaId} = ${medium.id}`,
      })
      .from(posts)
      .where(
        and(
          eq(posts.publicationId, publicationId),
          or(
            eq(posts.featureMediaId, medium.id),
            sql`instr(${posts.bodyMarkdown}, ${medium.r2Key}) > 0`,
          ),
        ),
      )
      .limit(50),
    ctx.db
      .select({ id: publishedPosts.postId, title: publishedPosts.title, slug: publishedPosts.slug })
      .from(publishedPosts)
      .where(
        and(
          eq(publishedPosts.publicationId, publicationId),
          or(
            eq(publishedPosts.featureMediaId, medium.id),
            sql`instr(${publishedPosts.bodyMarkdown}, ${medium.r2Key}) > 0`,
          ),
        ),
      )
      .limit(50),
  ]);
  const uses = new Map<string, MediumUse>();
  for (const p of working) {
    uses.set(p.id, {
      id: p.id,
      title: p.title,
      slug: p.slug,
      status: p.status,
      uses: [p.feature ? "feature_image" : "body"],
    });
  }
  for (const p of live) {
    const known = uses.get(p.id);
    if (known) known.uses.push("published");
    else uses.set(p.id, { ...p, status: "published", uses: ["published"] });
  }
  return [...uses.values()];
}

/**
 * Deletes a medium: its row, its bytes in R2 and its share of the quota.
 * Refused with 409 while a post uses it (docs/decisions/014-media-deletion.md).
 */
export async function deleteMedium(ctx: ServiceContext, actor: Actor, pubRef: string, id: string) {
  const access = await mediaAccess(ctx, actor, pubRef, "read");
  const pubId = access.publication.id;
  const medium = await findMedium(ctx, pubId, id);
  if (!mayChangeMedium(access, medium, "delete")) {
    throw problem(403, "Your role may only delete media you uploaded.", { code: "forbidden" });
  }
  const usedBy = await postsUsingMedium(ctx, pubId, medium);
  if (usedBy.length) {
    throw problem(
      409,
      `This file is used by ${usedBy.length === 1 ? "a post" : `${usedBy.length} posts`}: ${usedBy
        .map((p) => `“${p.title}”`)
        .join(", ")}. Remove it from ${usedBy.length === 1 ? "that post" : "those posts"} first.`,
      { code: "media_in_use", extra: { posts: usedBy } },
    );
  }
  // One transaction; the counter only moves if the row is still there to delete.
  const [, deleted] = await ctx.db.batch([
    ctx.db
      .update(mediaUsage)
      .set({ bytes: sql`max(0, ${mediaUsage.bytes} - ${medium.size})` })
      .where(
        and(
          eq(mediaUsage.publicationId, pubId),
          sql`EXISTS (SELECT 1 FROM media WHERE id = ${medium.id})`,
        ),
      ),
    ctx.db
      .delete(media)
      .where(and(eq(media.id, medium.id), eq(media.publicationId, pubId)))
      .returning({ id: media.id }),
    auditStatement(ctx, {
      action: "media.deleted",
      actor,
      publicationId: pubId,
      targetType: "media",
      targetId: medium.id,
      metadata: { name: medium.originalName, size: medium.size, sha256: medium.sha256 },
    }),
  ]);
  if (!deleted.length) throw problem(404, "No such medium.");
  // After the row: from now on /media/{key} answers 404 even if this delete fails.
  await discardObject(ctx, medium.r2Key);
}

// ---- serving -------------------------------------------------------------------------

/** The medium behind a `/media/{key}` path, or null: unknown, deleted, or not a media key. */
export async function findServableMedium(ctx: ServiceContext, key: string): Promise<Medium | null> {
  if (!KEY_SHAPE.test(key)) return null;
  const medium = await ctx.db.query.media.findFirst({ where: eq(media.r2Key, key) });
  return medium ?? null;
}

/** The stored bytes of a medium (one range of them, if given); null if R2 lost them. */
export function readMediumBytes(
  ctx: ServiceContext,
  medium: Pick<Medium, "r2Key">,
  range?: { offset: number; length: number },
): Promise<R2ObjectBody | null> {
  return ctx.env.MEDIA.get(medium.r2Key, range ? { range } : undefined);
}

// ---- for reader pages and the post editor -------------------------------------------------

export interface MediaImage {
  url: string;
  width: number | null;
  height: number | null;
  alt: string;
  content_type: string;
}

const toImage = (m: Medium): MediaImage => ({
  url: mediaUrl(m.r2Key),
  width: m.width,
  height: m.height,
  alt: m.alt,
  content_type: m.contentType,
});

/**
 * A post's feature image for a reader page: `<img src={url} width height
 * alt loading="lazy">`. Null when the id is empty, unknown, of another
 * publication, or not an image. No authorization: only call it with ids
 * taken from content the reader may see (a published post).
 */
export async function mediaImage(
  ctx: ServiceContext,
  publicationId: string,
  mediaId: string | null | undefined,
): Promise<MediaImage | null> {
  if (!mediaId) return null;
  const m = await ctx.db.query.media.findFirst({
    where: and(eq(media.id, mediaId), eq(media.publicationId, publicationId)),
  });
  return m && m.kind === "image" ? toImage(m) : null;
}

/** The same for a list page: one query for all the feature images on it. */
export async function mediaImages(
  ctx: ServiceContext,
  publicationId: string,
  mediaIds: (string | null | undefined)[],
): Promise<Map<string, MediaImage>> {
  const ids = [...new Set(mediaIds.filter((id): id is string => !!id))];
  if (!ids.length) return new Map();
  const rows = await ctx.db.query.media.findMany({
    where: and(eq(media.publicationId, publicationId), inArray(media.id, ids.slice(0, 100))),
  });
  return new Map(rows.filter((m) => m.kind === "image").map((m) => [m.id, toImage(m)]));
}

// ---- multipart uploads ---------------------------------------------------------------------

function toUploadView(u: MediaUpload, parts: { partNumber: number; size: number }[]) {
  const done = new Set(parts.map((p) => p.partNumber));
  const missing: number[] = [];
  for (let n = 1; n <= u.partsTotal; n++) if (!done.has(n)) missing.push(n);
  return {
    id: u.id,
    status: u.status,
    original_name: u.originalName,
    size: u.size,
    part_size: u.partSize,
    parts_total: u.partsTotal,
    content_type: u.contentType,
    parts: parts.map((p) => ({ part_number: p.partNumber, size: p.size })),
    uploaded_bytes: parts.reduce((sum, p) => sum + p.size, 0),
    missing_parts: u.status === "active" ? missing : [],
    media_id: u.mediaId,
    created_at: u.createdAt,
    expires_at: u.expiresAt,
  };
}

export type UploadView = ReturnType<typeof toUploadView>;

/** An upload of this publication started by this same caller, or 404. */
async function findUpload(
  ctx: ServiceContext,
  access: PublicationAccess,
  uploadId: string,
): Promise<MediaUpload> {
  const actor = access.actor;
  const upload = await ctx.db.query.mediaUploads.findFirst({
    where: and(
      eq(mediaUploads.id, uploadId),
      eq(mediaUploads.publicationId, access.publication.id),
      actor.kind === "user"
        ? eq(mediaUploads.uploaderId, actor.userId)
        : eq(mediaUploads.uploaderKeyId, actor.keyId),
    ),
  });
  const now = new Date().toISOString();
  if (!upload || (upload.status === "active" && upload.expiresAt <= now)) {
    throw problem(404, "No such upload (uploads expire 24 hours after they start).");
  }
  return upload;
}

function activeUpload(upload: MediaUpload): MediaUpload {
  if (upload.status !== "active") {
    throw problem(409, "This upload is already complete.", { code: "upload_completed" });
  }
  return upload;
}

const uploadParts = (ctx: ServiceContext, uploadId: string) =>
  ctx.db
    .select({
      partNumber: mediaUploadParts.partNumber,
      size: mediaUploadParts.size,
      etag: mediaUploadParts.etag,
    })
    .from(mediaUploadParts)
    .where(eq(mediaUploadParts.uploadId, uploadId))
    .orderBy(asc(mediaUploadParts.partNumber));

function expectedPartSize(u: MediaUpload, partNumber: number): number {
  return partNumber < u.partsTotal ? u.partSize : u.size - (u.partsTotal - 1) * u.partSize;
}

/**
 * Starts a multipart upload: the client declares the name and size, gets an
 * id and the part size, then PUTs parts 1..n (part 1 first: the type is
 * decided from it), and completes. Size and quota are checked here, before
 * any byte is sent.
 */
export async function createUpload(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  input: z.infer<typeof uploadCreateInput>,
) {
  const access = await mediaAccess(ctx, actor, pubRef, "upload");
  const pubId = access.publication.id;
  const limits = mediaLimits(ctx.env);
  if (input.size > limits.maxBytes) {
    throw problem(413, `Files are limited to ${formatBytes(limits.maxBytes)}.`, {
      code: "media_too_large",
      extra: { max_bytes: limits.maxBytes },
    });
  }
  const partsTotal = Math.ceil(input.size / limits.partBytes);
  if (partsTotal > MAX_PARTS) throw problem(413, "This file needs too many parts.");
  const used = (await bytesUsed(ctx, pubId)) + (await bytesReserved(ctx, pubId));
  if (used + input.size > limits.quotaBytes) {
    throw quotaExceeded(limits.quotaBytes, used, input.size);
  }
  const now = Date.now();
  const [row] = await ctx.db
    .insert(mediaUploads)
    .values({
      id: uuidv7(),
      publicationId: pubId,
      uploaderId: actor.kind === "user" ? actor.userId : null,
      uploaderKeyId: actor.kind === "api_key" ? actor.keyId : null,
      originalName: sanitizeFileName(input.filename),
      size: input.size,
      partSize: limits.partBytes,
      partsTotal,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + UPLOAD_TTL_MS).toISOString(),
    })
    .returning();
  return toUploadView(row as MediaUpload, []);
}

/** Where an upload stands: the parts stored so far, so a client can resume. */
export async function getUpload(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  uploadId: string,
) {
  const access = await mediaAccess(ctx, actor, pubRef, "upload");
  const upload = await findUpload(ctx, access, uploadId);
  return toUploadView(upload, await uploadParts(ctx, upload.id));
}

/** Part 1 passed the type check: create the R2 upload (once, even if two part-1 PUTs race). */
async function beginR2Upload(
  ctx: ServiceContext,
  upload: MediaUpload,
  sniffed: SniffResult,
): Promise<MediaUpload> {
  const key = newKey(upload.publicationId, sniffed.extension);
  const r2 = await ctx.env.MEDIA.createMultipartUpload(key, {
    httpMetadata: { contentType: sniffed.contentType },
    customMetadata: { publication: upload.publicationId },
  });
  const [claimed] = await ctx.db
    .update(mediaUploads)
    .set({ r2Key: key, r2UploadId: r2.uploadId, contentType: sniffed.contentType })
    .where(and(eq(mediaUploads.id, upload.id), isNull(mediaUploads.r2UploadId)))
    .returning();
  if (claimed) return claimed;
  await r2.abort().catch(() => {});
  const current = await ctx.db.query.mediaUploads.findFirst({
    where: eq(mediaUploads.id, upload.id),
  });
  if (!current?.r2UploadId || current.contentType !== sniffed.contentType) {
    throw problem(409, "Part 1 was uploaded twice at once with different contents.", {
      code: "conflict",
    });
  }
  return current;
}

/**
 * Stores part `partNumber`. Every part but the last is exactly `part_size`
 * bytes (R2's rule); a wrong Content-Length is refused before reading.
 * Re-sending a part replaces it, which is how a client retries.
 */
export async function uploadPart(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  uploadId: string,
  partNumber: number,
  source: Pick<UploadSource, "body" | "contentLength">,
) {
  const access = await mediaAccess(ctx, actor, pubRef, "upload");
  let upload = activeUpload(await findUpload(ctx, access, uploadId));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > upload.partsTotal) {
    throw problem(400, `Part numbers run from 1 to ${upload.partsTotal}.`, {
      code: "invalid_part_number",
    });
  }
  const expected = expectedPartSize(upload, partNumber);
  const wrongSize = (got: number) =>
    problem(got > expected ? 413 : 400, `Part ${partNumber} must be exactly ${expected} bytes.`, {
      code: "part_size_mismatch",
      extra: { expected_size: expected },
    });
  if (source.contentLength !== null && source.contentLength !== expected) {
    throw wrongSize(source.contentLength);
  }
  if (partNumber !== 1 && !upload.r2UploadId) {
    throw problem(409, "Upload part 1 first: the file's type is decided from its first bytes.", {
      code: "first_part_required",
    });
  }
  if (!source.body) throw wrongSize(0);

  const reader = source.body.getReader();
  // Parts are not hashed: the whole file is, once, when the upload completes.
  const meter = new ByteMeter(expected, () => wrongSize(expected + 1), false);
  try {
    let head: Uint8Array = new Uint8Array(0);
    if (partNumber === 1) {
      head = await readHead(reader, meter);
      const sniffed = inspectHead(head);
      if (upload.contentType && upload.contentType !== sniffed.contentType) {
        throw problem(415, "Part 1 now holds a different type of file than before.", {
          code: "type_changed",
        });
      }
      if (!upload.r2UploadId) upload = await beginR2Upload(ctx, upload, sniffed);
    }
    const r2 = ctx.env.MEDIA.resumeMultipartUpload(
      upload.r2Key as string,
      upload.r2UploadId as string,
    );

    let uploaded: R2UploadedPart;
    if (source.contentLength !== null) {
      const failed: { error?: unknown } = {};
      try {
        uploaded = await r2.uploadPart(
          partNumber,
          meteredStream(head, reader, meter, expected, failed),
        );
      } catch (err) {
        if (failed.error) throw failed.error;
        if (meter.total !== expected) throw wrongSize(meter.total);
        throw err;
      }
    } else {
      // No Content-Length: hold the part (at most part_size bytes) to learn its length.
      const chunks: Uint8Array[] = head.byteLength ? [head] : [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        meter.add(value);
        chunks.push(value);
      }
      if (meter.total !== expected) throw wrongSize(meter.total);
      uploaded = await r2.uploadPart(partNumber, concat(chunks, meter.total));
    }

    await ctx.db
      .insert(mediaUploadParts)
      .values({ uploadId: upload.id, partNumber, size: expected, etag: uploaded.etag })
      .onConflictDoUpdate({
        target: [mediaUploadParts.uploadId, mediaUploadParts.partNumber],
        set: { size: expected, etag: uploaded.etag, createdAt: new Date().toISOString() },
      });
    if (partNumber === 1 && upload.contentType) {
      const dims = meter.dimensions(upload.contentType);
      await ctx.db
        .update(mediaUploads)
        .set({ width: dims?.width ?? null, height: dims?.height ?? null })
        .where(eq(mediaUploads.id, upload.id));
    }
    return { part_number: partNumber, size: expected };
  } catch (err) {
    await reader.cancel().catch(() => {});
    throw err;
  }
}

/**
 * Joins the parts into one object, hashes it (read back from R2, streamed) and
 * records the medium, deduplicated and within quota like any upload. Completing
 * twice answers the same medium.
 */
export async function completeUpload(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  uploadId: string,
): Promise<{ medium: MediaView; created: boolean }> {
  const access = await mediaAccess(ctx, actor, pubRef, "upload");
  const upload = await findUpload(ctx, access, uploadId);
  if (upload.status === "completed") {
    const medium = upload.mediaId
      ? await ctx.db.query.media.findFirst({ where: eq(media.id, upload.mediaId) })
      : undefined;
    if (!medium) throw problem(404, "The medium of this upload has been deleted.");
    return { medium: toMediaView(medium), created: false };
  }
  const parts = await uploadParts(ctx, upload.id);
  const missing: number[] = [];
  for (let n = 1; n <= upload.partsTotal; n++) {
    const part = parts.find((p) => p.partNumber === n);
    if (!part || part.size !== expectedPartSize(upload, n)) missing.push(n);
  }
  if (missing.length || !upload.r2Key || !upload.r2UploadId || !upload.contentType) {
    throw problem(409, `Parts still missing: ${missing.join(", ")}.`, {
      code: "upload_incomplete",
      extra: { missing_parts: missing },
    });
  }
  const key = upload.r2Key;
  try {
    await ctx.env.MEDIA.resumeMultipartUpload(key, upload.r2UploadId).complete(
      parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
    );
  } catch (err) {
    // A retry after a lost answer: R2 finished the first time.
    const head = await ctx.env.MEDIA.head(key);
    if (!head || head.size !== upload.size) throw err;
  }

  // The hash needs every byte; read them back as a stream (flat memory).
  const object = await ctx.env.MEDIA.get(key);
  if (!object) throw problem(500, "The completed upload could not be read back.");
  const hash = createHash("sha256");
  let size = 0;
  const reader = object.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    hash.update(value);
  }
  if (size !== upload.size) {
    await discardObject(ctx, key);
    await ctx.db.delete(mediaUploads).where(eq(mediaUploads.id, upload.id));
    throw problem(400, "The parts did not add up to the declared size.", {
      code: "body_length_mismatch",
    });
  }

  const stored: Stored = {
    key,
    size,
    sha256: hash.digest("hex"),
    contentType: upload.contentType,
    kind: kindOf(upload.contentType),
    dimensions:
      upload.width && upload.height ? { width: upload.width, height: upload.height } : null,
  };
  let result: { medium: Medium; created: boolean };
  try {
    result = await commitMedium(ctx, access, stored, upload.originalName, "multipart");
  } catch (err) {
    // Over quota: the object is already discarded; the upload cannot go on.
    if (err instanceof ProblemError) {
      await ctx.db.delete(mediaUploads).where(eq(mediaUploads.id, upload.id));
    }
    throw err;
  }
  await ctx.db.batch([
    ctx.db.delete(mediaUploadParts).where(eq(mediaUploadParts.uploadId, upload.id)),
    ctx.db
      .update(mediaUploads)
      .set({ status: "completed", mediaId: result.medium.id })
      .where(eq(mediaUploads.id, upload.id)),
  ]);
  return { medium: toMediaView(result.medium), created: result.created };
}

/** Cancels an upload: R2 drops the parts, D1 the rows. Nothing is left behind. */
export async function abortUpload(
  ctx: ServiceContext,
  actor: Actor,
  pubRef: string,
  uploadId: string,
) {
  const access = await mediaAccess(ctx, actor, pubRef, "upload");
  const upload = activeUpload(await findUpload(ctx, access, uploadId));
  await abortStoredUpload(ctx.env, upload);
}

async function abortStoredUpload(
  env: Env,
  upload: Pick<MediaUpload, "id" | "r2Key" | "r2UploadId">,
) {
  if (upload.r2Key && upload.r2UploadId) {
    try {
      await env.MEDIA.resumeMultipartUpload(upload.r2Key, upload.r2UploadId).abort();
    } catch (err) {
      // Already gone (R2 also aborts on its own after 7 days): nothing to keep.
      console.warn(JSON.stringify({ level: "warn", msg: "r2 abort failed", error: String(err) }));
    }
  }
  await env.DB.batch([
    env.DB.prepare("DELETE FROM media_upload_parts WHERE upload_id = ?1").bind(upload.id),
    env.DB.prepare("DELETE FROM media_uploads WHERE id = ?1").bind(upload.id),
  ]);
}

// ---- housekeeping (for the cron sweep and publication deletion) --------------------------

/**
 * Aborts multipart uploads past their expiry and forgets completed ones after
 * the same time. Bounded per run; meant for the 15-minute sweep.
 */
export async function sweepExpiredUploads(env: Env, now = new Date(), limit = 100) {
  const { results } = await env.DB.prepare(
    `SELECT id, status, r2_key, r2_upload_id FROM media_uploads
      WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2`,
  )
    .bind(now.toISOString(), limit)
    .all<{ id: string; status: string; r2_key: string | null; r2_upload_id: string | null }>();
  for (const row of results) {
    const active = row.status === "active";
    await abortStoredUpload(env, {
      id: row.id,
      r2Key: active ? row.r2_key : null,
      r2UploadId: active ? row.r2_upload_id : null,
    });
  }
  return results.length;
}

/**
 * Deletes every stored file of a publication from R2 (its rows go with the
 * publication by cascade). Call it after deleting a publication.
 */
export async function purgePublicationMedia(env: Env, publicationId: string) {
  let cursor: string | undefined;
  let deleted = 0;
  do {
    const page = await env.MEDIA.list({ prefix: `pub/${publicationId}/`, cursor, limit: 1000 });
    if (page.objects.length) {
      await env.MEDIA.delete(page.objects.map((o) => o.key));
      deleted += page.objects.length;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}
