import type { Context } from "hono";
import { Hono } from "hono";
import type { Medium } from "../db/schema";
import type { AppEnv } from "../env";
import {
  type ByteRange,
  contentDisposition,
  dispositionType,
  evaluateConditionals,
  ifRangeAllows,
  parseRange,
} from "../lib/http-media";
import { serviceContext } from "../services/context";
import { findServableMedium, readMediumBytes } from "../services/media";

/**
 * `/media/{key}`: stored files, streamed from R2. Only keys with a media row
 * are served (so deleted media, backups and anything else in the bucket are
 * 404). Validators come from D1 (ETag = the sha256, Last-Modified = the upload
 * time), so a 304 never touches R2. Keys are written once and never reused,
 * which is what makes `immutable` true.
 */
export const mediaFiles = new Hono<AppEnv>();

const IMMUTABLE = "public, max-age=31536000, immutable";
const encoder = new TextEncoder();

const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
  new Response(`${text}\n`, {
    status,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-store",
      ...headers,
    },
  });

mediaFiles.on(["GET", "HEAD"], "/*", async (c) => {
  const ctx = serviceContext(c.env, c.req.raw, c.get("requestId"), (p) =>
    c.executionCtx.waitUntil(p),
  );
  const key = c.req.path.slice("/media/".length);
  const medium = await findServableMedium(ctx, key);
  if (!medium) return plain(404, "Not found");

  const validators = { etag: `"${medium.sha256}"`, lastModified: new Date(medium.createdAt) };
  const headers = new Headers({
    ETag: validators.etag,
    "Last-Modified": validators.lastModified.toUTCString(),
    "Cache-Control": IMMUTABLE,
  });
  const outcome = evaluateConditionals(c.req.raw.headers, validators);
  if (outcome === "not_modified") return new Response(null, { status: 304, headers });
  if (outcome === "precondition_failed") return plain(412, "Precondition failed");

  headers.set("Content-Type", medium.contentType);
  headers.set("Accept-Ranges", "bytes");
  headers.set(
    "Content-Disposition",
    contentDisposition(dispositionType(medium.contentType), medium.originalName),
  );

  const size = medium.size;
  const range = ifRangeAllows(c.req.raw.headers, validators)
    ? parseRange(c.req.header("range"), size)
    : ({ kind: "none" } as const);
  if (range.kind === "unsatisfiable") {
    return plain(416, "Range not satisfiable", { "Content-Range": `bytes */${size}` });
  }
  const head = c.req.method === "HEAD";

  if (range.kind === "none") {
    headers.set("Content-Length", String(size));
    if (head) return new Response(null, { status: 200, headers });
    const object = await readMediumBytes(ctx, medium);
    if (!object) return lost(medium);
    return new Response(object.body, { status: 200, headers });
  }

  const [only] = range.ranges;
  if (range.ranges.length === 1 && only) {
    const length = only.end - only.start + 1;
    headers.set("Content-Range", `bytes ${only.start}-${only.end}/${size}`);
    headers.set("Content-Length", String(length));
    if (head) return new Response(null, { status: 206, headers });
    const object = await readMediumBytes(ctx, medium, { offset: only.start, length });
    if (!object) return lost(medium);
    return new Response(object.body, { status: 206, headers });
  }
  return byteRanges(c, ctx, medium, range.ranges, headers, head);
});

mediaFiles.all("/*", () => plain(405, "Method not allowed", { Allow: "GET, HEAD" }));

function lost(medium: Medium) {
  console.error(
    JSON.stringify({ level: "error", msg: "media row without object", key: medium.r2Key }),
  );
  return plain(404, "Not found");
}

/** Several ranges: one `multipart/byteranges` body, each part read from R2 in turn. */
function byteRanges(
  c: Context<AppEnv>,
  ctx: ReturnType<typeof serviceContext>,
  medium: Medium,
  ranges: ByteRange[],
  headers: Headers,
  head: boolean,
) {
  const boundary = crypto.randomUUID().replaceAll("-", "");
  const partHeads = ranges.map((r) =>
    encoder.encode(
      `\r\n--${boundary}\r\nContent-Type: ${medium.contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${medium.size}\r\n\r\n`,
    ),
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const total = ranges.reduce(
    (sum, r, i) => sum + (partHeads[i]?.byteLength ?? 0) + (r.end - r.start + 1),
    tail.byteLength,
  );
  headers.set("Content-Type", `multipart/byteranges; boundary=${boundary}`);
  headers.set("Content-Length", String(total));
  if (head) return new Response(null, { status: 206, headers });

  const { readable, writable } = new FixedLengthStream(total);
  const write = async () => {
    const writer = writable.getWriter();
    try {
      for (const [i, r] of ranges.entries()) {
        await writer.write(partHeads[i] as Uint8Array);
        const object = await readMediumBytes(ctx, medium, {
          offset: r.start,
          length: r.end - r.start + 1,
        });
        if (!object) throw new Error("media object missing");
        const reader = object.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          await writer.write(value);
        }
      }
      await writer.write(tail);
      await writer.close();
    } catch (err) {
      await writer.abort(err).catch(() => {});
    }
  };
  c.executionCtx.waitUntil(write());
  return new Response(readable, { status: 206, headers });
}
