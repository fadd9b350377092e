import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../worker/db/client";
import type { Actor } from "../../worker/services/context";
import { serviceContext } from "../../worker/services/context";
import { listMedia, mediaImage, mediaImages } from "../../worker/services/media";
import {
  addMember,
  asUser,
  call,
  callWithEnv,
  chunkedBody,
  createPublication,
  createUser,
  expectProblem,
  jsonRequest,
  pngBytes,
  randomBytes,
  sha256HexOf,
  type TestPublication,
  type TestUser,
} from "../helpers";

const MiB = 1024 * 1024;
/** Tests that move several MiB through local R2. */
const HEAVY = { timeout: 30_000 };

let owner: TestUser;
let editor: TestUser;
let contributor: TestUser;
let outsider: TestUser;
let pub: TestPublication;
let otherPub: TestPublication;
let keyA: string;
let keyB: string;

interface MediaView {
  id: string;
  url: string;
  original_name: string;
  content_type: string;
  kind: string;
  size: number;
  width: number | null;
  height: number | null;
  sha256: string;
  uploader_id: string | null;
  markdown: string;
}

interface UploadView {
  id: string;
  status: string;
  part_size: number;
  parts_total: number;
  parts: { part_number: number; size: number }[];
  missing_parts: number[];
  uploaded_bytes: number;
}

const mediaUrl = (p: { slug: string } = pub, rest = "") =>
  `/api/v1/publications/${p.slug}/media${rest}`;

type Auth = TestUser | string;
const authHeaders = (who: Auth, extra: Record<string, string> = {}) =>
  typeof who === "string" ? { authorization: `Bearer ${who}`, ...extra } : asUser(who, extra);

/** A raw-bytes upload with a Content-Length, as `fetch` and XHR send it. */
function rawUpload(
  who: Auth,
  bytes: Uint8Array<ArrayBuffer>,
  name = "photo.png",
  extra: Record<string, string> = {},
): RequestInit {
  return {
    method: "POST",
    headers: authHeaders(who, {
      "content-type": "application/octet-stream",
      "content-length": String(bytes.byteLength),
      "x-file-name": encodeURIComponent(name),
      ...extra,
    }),
    body: bytes,
  };
}

async function upload(
  who: Auth,
  bytes: Uint8Array<ArrayBuffer>,
  name = "photo.png",
  p: { slug: string } = pub,
): Promise<MediaView> {
  const res = await call(mediaUrl(p), rawUpload(who, bytes, name));
  expect(res.status).toBe(201);
  return res.json<MediaView>();
}

async function objectKeys(publicationId: string): Promise<string[]> {
  const list = await env.MEDIA.list({ prefix: `pub/${publicationId}/` });
  return list.objects.map((o) => o.key);
}

async function rowCount(publicationId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM media WHERE publication_id = ?1")
    .bind(publicationId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Rows and R2 objects of a publication, to show that a refusal stored nothing. */
async function snapshot(publicationId: string) {
  return { rows: await rowCount(publicationId), objects: (await objectKeys(publicationId)).sort() };
}

const keyOf = (m: MediaView) => m.url.replace(/^\/media\//, "");

async function createKey(p: { slug: string }, scopes: string[]): Promise<string> {
  const res = await call(
    `/api/v1/publications/${p.slug}/api-keys`,
    jsonRequest("POST", { name: `media ${scopes.join(" ")}`, scopes }, asUser(owner)),
  );
  expect(res.status).toBe(201);
  return (await res.json<{ secret: string }>()).secret;
}

beforeAll(async () => {
  owner = await createUser("media-owner");
  pub = await createPublication(owner);
  editor = await addMember(owner, pub, "editor");
  contributor = await addMember(owner, pub, "contributor");
  outsider = await createUser("media-outsider");
  otherPub = await createPublication(outsider);
  keyA = await createKey(pub, ["media:write"]);
  const res = await call(
    `/api/v1/publications/${otherPub.slug}/api-keys`,
    jsonRequest("POST", { name: "other", scopes: ["media:write"] }, asUser(outsider)),
  );
  keyB = (await res.json<{ secret: string }>()).secret;
});

describe("uploading and serving", () => {
  it("stores a small upload and serves the same bytes (sha256 equal) with safe headers", async () => {
    const bytes = pngBytes(640, 480, 50_000);
    const res = await call(mediaUrl(), rawUpload(owner, bytes, "Sunset at Sea.png"));
    expect(res.status).toBe(201);
    const medium = await res.json<MediaView>();
    const sha = await sha256HexOf(bytes);
    expect(medium).toMatchObject({
      original_name: "Sunset at Sea.png",
      content_type: "image/png",
      kind: "image",
      size: bytes.byteLength,
      width: 640,
      height: 480,
      sha256: sha,
      uploader_id: owner.id,
    });
    expect(medium.url).toMatch(new RegExp(`^/media/pub/${pub.id}/[0-9a-f-]{36}\\.png$`));
    expect(medium.markdown).toBe(`![Sunset at Sea](${medium.url})`);
    expect(res.headers.get("location")).toBe(mediaUrl(pub, `/${medium.id}`));

    const served = await call(medium.url);
    expect(served.status).toBe(200);
    const body = new Uint8Array(await served.arrayBuffer());
    expect(body.byteLength).toBe(bytes.byteLength);
    expect(await sha256HexOf(body)).toBe(sha);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("etag")).toBe(`"${sha}"`);
    expect(served.headers.get("last-modified")).toMatch(/GMT$/);
    expect(served.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("content-security-policy")).toContain("sandbox");
    expect(served.headers.get("accept-ranges")).toBe("bytes");
    expect(served.headers.get("content-disposition")).toMatch(
      /^inline; filename="Sunset at Sea\.png"/,
    );

    const head = await call(medium.url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(bytes.byteLength));
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const audit = await env.DB.prepare(
      "SELECT actor_user_id AS actor FROM audit_log WHERE action = 'media.uploaded' AND target_id = ?1",
    )
      .bind(medium.id)
      .first<{ actor: string }>();
    expect(audit?.actor).toBe(owner.id);

    const fetched = await call(mediaUrl(pub, `/${medium.id}`), { headers: asUser(owner) });
    expect(fetched.status).toBe(200);
    expect((await fetched.json<MediaView>()).sha256).toBe(sha);
  });

  it("accepts a multipart/form-data body with a `file` field (the no-JS form)", async () => {
    const bytes = pngBytes(32, 16, 4000);
    const form = new FormData();
    form.append("intent", "upload");
    form.append("file", new File([bytes], "from a form.png", { type: "image/png" }));
    const res = await call(mediaUrl(), { method: "POST", headers: asUser(owner), body: form });
    expect(res.status).toBe(201);
    const medium = await res.json<MediaView>();
    expect(medium).toMatchObject({ original_name: "from a form.png", width: 32, height: 16 });
    const served = new Uint8Array(await (await call(medium.url)).arrayBuffer());
    expect(await sha256HexOf(served)).toBe(await sha256HexOf(bytes));
  });

  it(
    "streams a body without Content-Length (chunked) to R2 in parts, and round-trips it",
    HEAVY,
    async () => {
      const bytes = pngBytes(100, 100, 6 * MiB + 12_345);
      const res = await call(mediaUrl(), {
        method: "POST",
        headers: authHeaders(owner, { "x-file-name": "chunked.png" }),
        body: chunkedBody(bytes),
        duplex: "half",
      } as RequestInit);
      expect(res.status).toBe(201);
      const medium = await res.json<MediaView>();
      expect(medium.size).toBe(bytes.byteLength);
      const served = new Uint8Array(await (await call(medium.url)).arrayBuffer());
      expect(await sha256HexOf(served)).toBe(await sha256HexOf(bytes));
    },
  );

  it("deduplicates identical bytes within a publication: one object, one row, 200", async () => {
    const bytes = pngBytes(10, 10, 3000);
    const first = await upload(owner, bytes, "one.png");
    const before = await snapshot(pub.id);
    const again = await call(mediaUrl(), rawUpload(contributor, bytes, "two.png"));
    expect(again.status).toBe(200);
    expect((await again.json<MediaView>()).id).toBe(first.id);
    expect(await snapshot(pub.id)).toEqual(before);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM media WHERE sha256 = ?1")
      .bind(first.sha256)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
    // The same bytes in another publication are that publication's own medium.
    const elsewhere = await upload(outsider, bytes, "one.png", otherPub);
    expect(elsewhere.id).not.toBe(first.id);
  });

  it("refuses anonymous uploads with 401", async () => {
    const res = await call(mediaUrl(), {
      method: "POST",
      headers: { "content-type": "image/png" },
      body: pngBytes(1, 1),
    });
    await expectProblem(res, 401);
  });
});

describe("validation before storage", () => {
  it("refuses HTML named .png with 415 and stores nothing", async () => {
    const before = await snapshot(pub.id);
    const html = new TextEncoder().encode("<!doctype html><html><script>alert(1)</script></html>");
    const res = await call(
      mediaUrl(),
      rawUpload(owner, html, "cute-cat.png", { "content-type": "image/png" }),
    );
    await expectProblem(res, 415, "active_content");
    const noise = await call(mediaUrl(), rawUpload(owner, randomBytes(5000), "photo.png"));
    await expectProblem(noise, 415, "unsupported_media_type");
    expect(await snapshot(pub.id)).toEqual(before);
  });

  it("refuses SVG with 415 (scripts can live in SVG)", async () => {
    const before = await snapshot(pub.id);
    const svg = new TextEncoder().encode(
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>',
    );
    const res = await call(
      mediaUrl(),
      rawUpload(owner, svg, "logo.svg", { "content-type": "image/svg+xml" }),
    );
    await expectProblem(res, 415, "svg_not_allowed");
    expect(await snapshot(pub.id)).toEqual(before);
  });

  it("refuses a GIF polyglot carrying <script> with 415", async () => {
    const before = await snapshot(pub.id);
    const gif = new Uint8Array([
      ...new TextEncoder().encode("GIF89a"),
      0x01,
      0x00,
      0x01,
      0x00,
      0x00,
      0x00,
      0x00,
      0x21,
      0xfe, // comment extension
      ...new TextEncoder().encode("\x20<script>alert(document.domain)</script>"),
      0x00,
      0x3b,
    ]);
    const res = await call(mediaUrl(), rawUpload(owner, gif, "anim.gif"));
    await expectProblem(res, 415, "active_content");
    expect(await snapshot(pub.id)).toEqual(before);
  });

  it("answers 413 from Content-Length alone, before reading or storing anything", async () => {
    const before = await snapshot(pub.id);
    let pulled = 0;
    const endless = () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(pngBytes(1, 1, 64 * 1024));
        },
      });
    const tooBig = await call(mediaUrl(), {
      method: "POST",
      headers: authHeaders(owner, {
        "content-length": String(200 * MiB),
        "x-file-name": "huge.png",
      }),
      body: endless(),
      duplex: "half",
    } as RequestInit);
    const problem = await expectProblem(tooBig, 413, "media_too_large");
    expect(problem).toBeTruthy();
    const aboveSingle = await call(mediaUrl(), {
      method: "POST",
      headers: authHeaders(owner, { "content-length": String(30 * MiB), "x-file-name": "big.png" }),
      body: endless(),
      duplex: "half",
    } as RequestInit);
    const body = await expectProblem(aboveSingle, 413, "use_multipart_upload");
    expect(body).toMatchObject({ part_size: 5 * MiB });
    expect(pulled).toBeLessThan(8); // whatever the runtime buffered, not the body
    expect(await snapshot(pub.id)).toEqual(before);
  });

  it(
    "answers 413 while streaming a chunked body that grows past the limit, and stores nothing",
    HEAVY,
    async () => {
      const before = await snapshot(pub.id);
      // Small limit: refused while the first part is still being buffered.
      const small = await callWithEnv(
        mediaUrl(),
        {
          method: "POST",
          headers: authHeaders(owner, { "x-file-name": "growing.png" }),
          body: chunkedBody(pngBytes(8, 8, 300_000)),
          duplex: "half",
        } as RequestInit,
        { MEDIA_MULTIPART_THRESHOLD: "100000" },
      );
      await expectProblem(small, 413, "use_multipart_upload");
      // Past one 5 MiB part: the R2 multipart upload already begun is aborted.
      const large = await callWithEnv(
        mediaUrl(),
        {
          method: "POST",
          headers: authHeaders(owner, { "x-file-name": "growing.png" }),
          body: chunkedBody(pngBytes(8, 8, 7 * MiB)),
          duplex: "half",
        } as RequestInit,
        { MEDIA_MULTIPART_THRESHOLD: String(6 * MiB) },
      );
      await expectProblem(large, 413, "use_multipart_upload");
      expect(await snapshot(pub.id)).toEqual(before);
    },
  );

  it("keeps path-traversal and header-breaking file names harmless", async () => {
    const traversal = await upload(owner, pngBytes(4, 4), "../../etc/passwd.png");
    expect(traversal.original_name).toBe("passwd.png");
    expect(keyOf(traversal)).toMatch(new RegExp(`^pub/${pub.id}/[0-9a-f-]{36}\\.png$`));

    const nasty = 'evil"\r\nX-Injected: yes\r\n\\..\\"; filename=hack.html';
    const res = await call(`${mediaUrl()}?filename=${encodeURIComponent(nasty)}`, {
      method: "POST",
      headers: authHeaders(owner, { "content-length": "2048" }),
      body: pngBytes(4, 4),
    });
    expect(res.status).toBe(201);
    const medium = await res.json<MediaView>();
    expect(medium.original_name).not.toMatch(/[\r\n]/);
    expect(keyOf(medium)).toMatch(/^pub\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.png$/);
    const served = await call(medium.url);
    expect(served.headers.get("x-injected")).toBeNull();
    const disposition = served.headers.get("content-disposition") ?? "";
    // One quoted ASCII fallback without quotes inside, then the RFC 8187 form.
    expect(disposition).toMatch(/^inline; filename="[^"\\\r\n]*"; filename\*=UTF-8''[\w%.!~-]*$/);
    expect(served.headers.get("content-type")).toBe("image/png");

    // Nothing outside media keys is reachable through /media/.
    await env.MEDIA.put("backups/secret.ndjson", "{}");
    expect((await call("/media/backups/secret.ndjson")).status).toBe(404);
    expect((await call(`/media/pub/${pub.id}/../../backups/secret.ndjson`)).status).toBe(404);
    expect((await call("/media/pub%2F..%2Fbackups%2Fsecret.ndjson")).status).toBe(404);
  });
});

describe("ranges and conditional requests", () => {
  let medium: MediaView;
  let bytes: Uint8Array<ArrayBuffer>;

  beforeAll(async () => {
    bytes = pngBytes(20, 20, 100_000);
    medium = await upload(owner, bytes, "ranges.png");
  });

  it("answers ranges of several sizes with 206 and Content-Range", async () => {
    for (const [header, start, end] of [
      ["bytes=0-0", 0, 0],
      ["bytes=0-99", 0, 99],
      ["bytes=1000-50999", 1000, 50_999],
      [`bytes=99000-`, 99_000, bytes.byteLength - 1],
      ["bytes=-500", bytes.byteLength - 500, bytes.byteLength - 1],
      [`bytes=90000-999999999`, 90_000, bytes.byteLength - 1],
    ] as const) {
      const res = await call(medium.url, { headers: { range: header } });
      expect(res.status, header).toBe(206);
      expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/${bytes.byteLength}`);
      const body = new Uint8Array(await res.arrayBuffer());
      expect(body.byteLength).toBe(end - start + 1);
      expect(await sha256HexOf(body)).toBe(await sha256HexOf(bytes.slice(start, end + 1)));
    }
  });

  it("answers several ranges at once as multipart/byteranges", async () => {
    const res = await call(medium.url, { headers: { range: "bytes=0-9, -10" } });
    expect(res.status).toBe(206);
    const type = res.headers.get("content-type") ?? "";
    expect(type).toMatch(/^multipart\/byteranges; boundary=/);
    const text = new TextDecoder("latin1").decode(await res.arrayBuffer());
    expect(text).toContain(`Content-Range: bytes 0-9/${bytes.byteLength}`);
    expect(text).toContain(
      `Content-Range: bytes ${bytes.byteLength - 10}-${bytes.byteLength - 1}/${bytes.byteLength}`,
    );
    expect(text.endsWith(`--${type.split("boundary=")[1]}--\r\n`)).toBe(true);
  });

  it("answers 416 with Content-Range: bytes */size for an unsatisfiable range", async () => {
    const res = await call(medium.url, { headers: { range: "bytes=999999-" } });
    expect(res.status).toBe(416);
    expect(res.headers.get("content-range")).toBe(`bytes */${bytes.byteLength}`);
    // A malformed Range is ignored: the whole file.
    const bad = await call(medium.url, { headers: { range: "bytes=abc" } });
    expect(bad.status).toBe(200);
  });

  it("answers 304 to If-None-Match and If-Modified-Since, and ignores a stale If-Range", async () => {
    const etag = `"${medium.sha256}"`;
    const res = await call(medium.url, { headers: { "if-none-match": etag } });
    expect(res.status).toBe(304);
    expect(res.headers.get("etag")).toBe(etag);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    const listed = await call(medium.url, { headers: { "if-none-match": `"nope", W/${etag}` } });
    expect(listed.status).toBe(304);
    const full = await call(medium.url);
    const lastModified = full.headers.get("last-modified") ?? "";
    await full.arrayBuffer();
    const since = await call(medium.url, { headers: { "if-modified-since": lastModified } });
    expect(since.status).toBe(304);
    const changed = await call(medium.url, { headers: { "if-none-match": '"other"' } });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
    const staleRange = await call(medium.url, {
      headers: { range: "bytes=0-9", "if-range": '"other"' },
    });
    expect(staleRange.status).toBe(200);
    await staleRange.arrayBuffer();
  });

  it("answers 404 for unknown keys", async () => {
    expect((await call(`/media/pub/${pub.id}/${crypto.randomUUID()}.png`)).status).toBe(404);
    expect((await call("/media/nothing-here")).status).toBe(404);
  });
});

describe("multipart uploads", () => {
  const createUpload = async (size: number, filename = "big.png", who: Auth = owner) => {
    const res = await call(
      mediaUrl(pub, "/uploads"),
      jsonRequest("POST", { filename, size }, authHeaders(who)),
    );
    expect(res.status).toBe(201);
    return res.json<UploadView>();
  };
  const putPart = (id: string, n: number, bytes: Uint8Array<ArrayBuffer>, who: Auth = owner) =>
    call(mediaUrl(pub, `/uploads/${id}/parts/${n}`), {
      method: "PUT",
      headers: authHeaders(who, { "content-length": String(bytes.byteLength) }),
      body: bytes,
    });
  const status = async (id: string) => {
    const res = await call(mediaUrl(pub, `/uploads/${id}`), { headers: authHeaders(owner) });
    expect(res.status).toBe(200);
    return res.json<UploadView>();
  };

  it(
    "round-trips a file in two parts (5 MiB + the rest): bytes and sha256 equal",
    HEAVY,
    async () => {
      const bytes = pngBytes(1920, 1080, 5 * MiB + 4321);
      const upload = await createUpload(bytes.byteLength);
      expect(upload).toMatchObject({ part_size: 5 * MiB, parts_total: 2, missing_parts: [1, 2] });

      const early = await putPart(upload.id, 2, bytes.subarray(5 * MiB));
      await expectProblem(early, 409, "first_part_required");
      expect((await putPart(upload.id, 1, bytes.subarray(0, 5 * MiB))).status).toBe(200);
      expect((await putPart(upload.id, 2, bytes.subarray(5 * MiB))).status).toBe(200);

      const done = await call(mediaUrl(pub, `/uploads/${upload.id}/complete`), {
        method: "POST",
        headers: asUser(owner),
      });
      expect(done.status).toBe(201);
      const medium = await done.json<MediaView>();
      const sha = await sha256HexOf(bytes);
      expect(medium).toMatchObject({
        size: bytes.byteLength,
        sha256: sha,
        width: 1920,
        height: 1080,
      });
      expect(medium.original_name).toBe("big.png");

      const served = new Uint8Array(await (await call(medium.url)).arrayBuffer());
      expect(await sha256HexOf(served)).toBe(sha);

      // Completing again (a retry after a lost answer) returns the same medium.
      const again = await call(mediaUrl(pub, `/uploads/${upload.id}/complete`), {
        method: "POST",
        headers: asUser(owner),
      });
      expect(again.status).toBe(200);
      expect((await again.json<MediaView>()).id).toBe(medium.id);
      const parts = await env.DB.prepare(
        "SELECT count(*) AS n FROM media_upload_parts WHERE upload_id = ?1",
      )
        .bind(upload.id)
        .first<{ n: number }>();
      expect(parts?.n).toBe(0);
    },
  );

  it(
    "resumes after a dropped connection: status lists the stored parts, the rest is re-sent",
    HEAVY,
    async () => {
      const bytes = pngBytes(64, 64, 10 * MiB + 99);
      const upload = await createUpload(bytes.byteLength, "resume.png");
      expect(upload.parts_total).toBe(3);
      expect((await putPart(upload.id, 1, bytes.subarray(0, 5 * MiB))).status).toBe(200);

      // Part 2 is cut off after 1 MiB: the connection dropped. It is not recorded.
      const cut = await call(mediaUrl(pub, `/uploads/${upload.id}/parts/2`), {
        method: "PUT",
        headers: authHeaders(owner, { "content-length": String(5 * MiB) }),
        body: chunkedBody(bytes.subarray(5 * MiB, 6 * MiB)),
        duplex: "half",
      } as RequestInit);
      expect(cut.status).toBe(400);

      const resumed = await status(upload.id);
      expect(resumed.parts).toEqual([{ part_number: 1, size: 5 * MiB }]);
      expect(resumed.missing_parts).toEqual([2, 3]);
      expect(resumed.uploaded_bytes).toBe(5 * MiB);

      // The client skips part 1 and sends only what is missing.
      for (const n of resumed.missing_parts) {
        const slice = bytes.subarray((n - 1) * 5 * MiB, n * 5 * MiB);
        expect((await putPart(upload.id, n, slice)).status).toBe(200);
      }
      // A part of the wrong size is refused before it is read.
      const wrong = await putPart(upload.id, 3, bytes.subarray(0, 10));
      await expectProblem(wrong, 400, "part_size_mismatch");

      const done = await call(mediaUrl(pub, `/uploads/${upload.id}/complete`), {
        method: "POST",
        headers: asUser(owner),
      });
      expect(done.status).toBe(201);
      const medium = await done.json<MediaView>();
      expect(medium.sha256).toBe(await sha256HexOf(bytes));
    },
  );

  it("accepts a small file as a single part", async () => {
    const bytes = pngBytes(12, 34, 70_000);
    const upload = await createUpload(bytes.byteLength, "tiny.png");
    expect(upload.parts_total).toBe(1);
    expect((await putPart(upload.id, 1, bytes)).status).toBe(200);
    const done = await call(mediaUrl(pub, `/uploads/${upload.id}/complete`), {
      method: "POST",
      headers: asUser(owner),
    });
    expect(done.status).toBe(201);
    const medium = await done.json<MediaView>();
    expect(medium).toMatchObject({ width: 12, height: 34, sha256: await sha256HexOf(bytes) });
  });

  it("abort leaves no object and no row behind", HEAVY, async () => {
    const before = await snapshot(pub.id);
    const bytes = pngBytes(8, 8, 5 * MiB + 10);
    const upload = await createUpload(bytes.byteLength, "abandoned.png");
    expect((await putPart(upload.id, 1, bytes.subarray(0, 5 * MiB))).status).toBe(200);
    const row = await env.DB.prepare("SELECT r2_key, r2_upload_id FROM media_uploads WHERE id = ?1")
      .bind(upload.id)
      .first<{ r2_key: string; r2_upload_id: string }>();
    expect(row?.r2_upload_id).toBeTruthy();

    const aborted = await call(mediaUrl(pub, `/uploads/${upload.id}`), {
      method: "DELETE",
      headers: asUser(owner),
    });
    expect(aborted.status).toBe(204);

    for (const table of ["media_uploads WHERE id", "media_upload_parts WHERE upload_id"]) {
      const n = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} = ?1`)
        .bind(upload.id)
        .first<{ n: number }>();
      expect(n?.n, table).toBe(0);
    }
    expect(await env.MEDIA.head(row!.r2_key)).toBeNull();
    // R2 no longer knows the multipart upload either.
    const r2 = env.MEDIA.resumeMultipartUpload(row!.r2_key, row!.r2_upload_id);
    await expect(r2.complete([])).rejects.toThrow();
    expect(await snapshot(pub.id)).toEqual(before);
    const gone = await call(mediaUrl(pub, `/uploads/${upload.id}`), { headers: asUser(owner) });
    await expectProblem(gone, 404);
  });

  it("checks the type on part 1: HTML is refused with 415 and nothing is started in R2", async () => {
    const upload = await createUpload(6 * MiB, "movie.mp4");
    const html = new Uint8Array(5 * MiB);
    html.set(new TextEncoder().encode("<html><body><script>alert(1)</script>"));
    const res = await putPart(upload.id, 1, html);
    await expectProblem(res, 415, "active_content");
    const row = await env.DB.prepare("SELECT r2_upload_id FROM media_uploads WHERE id = ?1")
      .bind(upload.id)
      .first<{ r2_upload_id: string | null }>();
    expect(row?.r2_upload_id).toBeNull();
    expect((await status(upload.id)).parts).toEqual([]);
  });

  it("refuses a declared size above MEDIA_MAX_BYTES with 413", async () => {
    const res = await call(
      mediaUrl(pub, "/uploads"),
      jsonRequest("POST", { filename: "huge.mp4", size: 500 * MiB }, asUser(owner)),
    );
    await expectProblem(res, 413, "media_too_large");
  });

  it("keeps uploads private to whoever started them", async () => {
    const upload = await createUpload(6 * MiB, "mine.png");
    const res = await call(mediaUrl(pub, `/uploads/${upload.id}`), { headers: asUser(editor) });
    await expectProblem(res, 404);
    const part = await putPart(upload.id, 1, pngBytes(1, 1, 5 * MiB), editor);
    await expectProblem(part, 404);
  });
});

describe("quota", () => {
  it("refuses uploads past the publication's quota with 413 quota_exceeded", async () => {
    const quotaPub = await createPublication(owner);
    const url = mediaUrl(quotaPub);
    const quota = { MEDIA_QUOTA_BYTES: "10000" };
    const first = await callWithEnv(url, rawUpload(owner, pngBytes(2, 2, 6000)), quota);
    expect(first.status).toBe(201);
    const firstMedium = await first.json<MediaView>();

    // Declared size: refused before reading.
    const declared = await callWithEnv(url, rawUpload(owner, pngBytes(2, 2, 6000)), quota);
    const problem = await expectProblem(declared, 413, "quota_exceeded");
    expect(problem).toMatchObject({ quota_bytes: 10000, used_bytes: 6000 });

    // No Content-Length: refused when the row would be written; the bytes are removed.
    const before = await snapshot(quotaPub.id);
    const chunked = await callWithEnv(
      url,
      {
        method: "POST",
        headers: asUser(owner, { "x-file-name": "more.png" }),
        body: chunkedBody(pngBytes(2, 2, 6000)),
        duplex: "half",
      } as RequestInit,
      quota,
    );
    await expectProblem(chunked, 413, "quota_exceeded");
    expect(await snapshot(quotaPub.id)).toEqual(before);

    // Multipart: refused at creation from the declared size.
    const multipart = await callWithEnv(
      `${url}/uploads`,
      jsonRequest("POST", { filename: "x.png", size: 6000 }, asUser(owner)),
      quota,
    );
    await expectProblem(multipart, 413, "quota_exceeded");

    // Deleting frees the space.
    const deleted = await call(`${url}/${firstMedium.id}`, {
      method: "DELETE",
      headers: asUser(owner),
    });
    expect(deleted.status).toBe(204);
    const after = await callWithEnv(url, rawUpload(owner, pngBytes(2, 2, 6000)), quota);
    expect(after.status).toBe(201);
  });
});

describe("library", () => {
  it("lists newest first with keyset pagination, searches names by prefix and filters by type", async () => {
    const libPub = await createPublication(owner);
    const names = ["Beach day.png", "beach-night.png", "Mountain.png", "report.pdf"];
    for (const name of names) {
      const bytes = name.endsWith(".pdf")
        ? new TextEncoder().encode(`%PDF-1.4\n% ${crypto.randomUUID()}\n%%EOF\n`)
        : pngBytes(3, 3);
      await upload(owner, bytes, name, libPub);
    }
    const page1 = await call(`${mediaUrl(libPub)}?limit=3`, { headers: asUser(owner) });
    const first = await page1.json<{ data: MediaView[]; next_cursor: string | null }>();
    expect(first.data.map((m) => m.original_name)).toEqual([
      "report.pdf",
      "Mountain.png",
      "beach-night.png",
    ]);
    expect(first.next_cursor).toBeTruthy();
    const page2 = await call(
      `${mediaUrl(libPub)}?limit=3&cursor=${encodeURIComponent(first.next_cursor!)}`,
      { headers: asUser(owner) },
    );
    const second = await page2.json<{ data: MediaView[]; next_cursor: string | null }>();
    expect(second.data.map((m) => m.original_name)).toEqual(["Beach day.png"]);
    expect(second.next_cursor).toBeNull();

    const search = await call(`${mediaUrl(libPub)}?q=BEACH`, { headers: asUser(owner) });
    const found = await search.json<{ data: MediaView[] }>();
    expect(found.data.map((m) => m.original_name)).toEqual(["Beach day.png", "beach-night.png"]);

    const images = await call(`${mediaUrl(libPub)}?type=image`, { headers: asUser(owner) });
    expect((await images.json<{ data: MediaView[] }>()).data).toHaveLength(3);
    const pdf = await call(`${mediaUrl(libPub)}?type=document`, { headers: asUser(owner) });
    const docs = (await pdf.json<{ data: MediaView[] }>()).data;
    expect(docs.map((m) => [m.content_type, m.markdown.startsWith("[report](")])).toEqual([
      ["application/pdf", true],
    ]);
  });
});

describe("roles and tenants", () => {
  it("lets contributors upload and delete their own media, but not others' (403); editors can", async () => {
    const mine = await upload(contributor, pngBytes(5, 5), "contrib.png");
    const owners = await upload(owner, pngBytes(5, 5), "owner.png");
    const denied = await call(mediaUrl(pub, `/${owners.id}`), {
      method: "DELETE",
      headers: asUser(contributor),
    });
    await expectProblem(denied, 403);
    const own = await call(mediaUrl(pub, `/${mine.id}`), {
      method: "DELETE",
      headers: asUser(contributor),
    });
    expect(own.status).toBe(204);
    const byEditor = await call(mediaUrl(pub, `/${owners.id}`), {
      method: "DELETE",
      headers: asUser(editor),
    });
    expect(byEditor.status).toBe(204);
    const audit = await env.DB.prepare(
      "SELECT actor_user_id AS actor FROM audit_log WHERE action = 'media.deleted' AND target_id = ?1",
    )
      .bind(owners.id)
      .first<{ actor: string }>();
    expect(audit?.actor).toBe(editor.id);
  });

  it("answers 404 for another publication's media, to members and API keys alike", async () => {
    const medium = await upload(owner, pngBytes(6, 6), "private.png");
    for (const init of [
      { headers: asUser(outsider) },
      { method: "DELETE", headers: asUser(outsider) },
      { headers: { authorization: `Bearer ${keyB}` } },
      { method: "DELETE", headers: { authorization: `Bearer ${keyB}` } },
    ]) {
      await expectProblem(await call(mediaUrl(pub, `/${medium.id}`), init), 404);
    }
    // Asked through the other publication's own URL: not there either.
    await expectProblem(
      await call(mediaUrl(otherPub, `/${medium.id}`), { headers: asUser(outsider) }),
      404,
    );
    await expectProblem(
      await call(mediaUrl(otherPub, `/${medium.id}`), {
        method: "DELETE",
        headers: asUser(outsider),
      }),
      404,
    );
    await expectProblem(await call(mediaUrl(pub), { headers: asUser(outsider) }), 404);
    const viaOtherKey = await call(mediaUrl(), rawUpload(keyB, pngBytes(1, 1)));
    await expectProblem(viaOtherKey, 404);
    expect((await call(mediaUrl(pub, `/${medium.id}`), { headers: asUser(owner) })).status).toBe(
      200,
    );
  });

  it("lets an API key with media:write upload and delete", async () => {
    const medium = await upload(keyA, pngBytes(7, 7), "from-key.png");
    expect(medium.uploader_id).toBeNull();
    const deleted = await call(mediaUrl(pub, `/${medium.id}`), {
      method: "DELETE",
      headers: { authorization: `Bearer ${keyA}` },
    });
    expect(deleted.status).toBe(204);
    const readOnly = await createKey(pub, ["posts:read"]);
    const refused = await call(mediaUrl(), rawUpload(readOnly, pngBytes(1, 1)));
    await expectProblem(refused, 403, "insufficient_scope");
  });
});

describe("deleting media in use", () => {
  it("refuses (409, listing the posts) while a post uses it; afterwards the file is gone", async () => {
    const feature = await upload(owner, pngBytes(50, 50), "feature.png");
    const inline = await upload(owner, pngBytes(51, 51), "inline.png");
    const posts = `/api/v1/publications/${pub.slug}/posts`;
    const created = await call(
      posts,
      jsonRequest(
        "POST",
        {
          title: "Uses media",
          feature_media_id: feature.id,
          body_markdown: `Look:\n\n${inline.markdown}\n`,
        },
        asUser(owner),
      ),
    );
    expect(created.status).toBe(201);
    const post = await created.json<{ id: string; version: number }>();

    for (const m of [feature, inline]) {
      const res = await call(mediaUrl(pub, `/${m.id}`), {
        method: "DELETE",
        headers: asUser(owner),
      });
      const problem = await expectProblem(res, 409, "media_in_use");
      expect(problem).toMatchObject({
        posts: [
          { id: post.id, title: "Uses media", uses: [m === feature ? "feature_image" : "body"] },
        ],
      });
    }
    expect((await call(feature.url)).status).toBe(200);

    const edited = await call(
      `${posts}/${post.id}`,
      jsonRequest(
        "PATCH",
        { feature_media_id: null, body_markdown: "No pictures.", version: post.version },
        asUser(owner),
      ),
    );
    expect(edited.status).toBe(200);
    for (const m of [feature, inline]) {
      const res = await call(mediaUrl(pub, `/${m.id}`), {
        method: "DELETE",
        headers: asUser(owner),
      });
      expect(res.status).toBe(204);
      expect((await call(m.url)).status).toBe(404);
      expect(await env.MEDIA.head(keyOf(m))).toBeNull();
      await expectProblem(await call(mediaUrl(pub, `/${m.id}`), { headers: asUser(owner) }), 404);
    }
  });
});

describe("for reader pages and the editor", () => {
  it("maps a feature image id to { url, width, height, alt }, within its publication only", async () => {
    const medium = await upload(owner, pngBytes(1200, 630), "cover.png");
    const patched = await call(
      mediaUrl(pub, `/${medium.id}`),
      jsonRequest("PATCH", { alt: "A calm [sea] at dawn" }, asUser(owner)),
    );
    expect(patched.status).toBe(200);
    const view = await patched.json<MediaView & { alt: string }>();
    expect(view.alt).toBe("A calm [sea] at dawn");
    expect(view.markdown).toBe(`![A calm \\[sea\\] at dawn](${medium.url})`);
    const contributorEdit = await call(
      mediaUrl(pub, `/${medium.id}`),
      jsonRequest("PATCH", { alt: "mine now" }, asUser(contributor)),
    );
    await expectProblem(contributorEdit, 403);

    const ctx = serviceContext(env, new Request("http://x"), "t", () => {});
    expect(await mediaImage(ctx, pub.id, medium.id)).toEqual({
      url: medium.url,
      width: 1200,
      height: 630,
      alt: "A calm [sea] at dawn",
      content_type: "image/png",
    });
    expect(await mediaImage(ctx, otherPub.id, medium.id)).toBeNull();
    expect(await mediaImage(ctx, pub.id, null)).toBeNull();
    const many = await mediaImages(ctx, pub.id, [medium.id, "missing", null, medium.id]);
    expect([...many.keys()]).toEqual([medium.id]);
  });
});

/** D1 that records rows_read of every statement (re-run through `.all()` for its meta). */
function recordingD1(db: D1Database, log: { sql: string; rowsRead: number }[]): D1Database {
  const wrap = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement =>
    new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...params: unknown[]) => wrap(target.bind(...params), sql);
        if (prop === "all" || prop === "raw" || prop === "first" || prop === "run") {
          return async (...args: unknown[]) => {
            log.push({ sql, rowsRead: (await target.all()).meta.rows_read });
            // biome-ignore lint/suspicious/noExplicitAny: forwarding to the real method
            return (target as any)[prop](...args);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("library reads stay bounded", () => {
  it("lists, pages and searches 2,000 files reading a bounded number of rows", async () => {
    const big = await createPublication(owner);
    const insert = env.DB.prepare(
      `INSERT INTO media (id, publication_id, uploader_id, r2_key, original_name, name_key,
        content_type, kind, size, width, height, sha256, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, lower(?5), 'image/png', 'image', 100, 1, 1, ?6, ?7)`,
    );
    const statements = [];
    for (let i = 0; i < 2000; i++) {
      const id = crypto.randomUUID();
      const name = `${["alpha", "beta", "gamma", "delta"][i % 4]}-${String(i).padStart(4, "0")}.png`;
      const at = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
      statements.push(
        insert.bind(id, big.id, owner.id, `pub/${big.id}/${id}.png`, name, id + id, at),
      );
    }
    for (let i = 0; i < statements.length; i += 500) {
      await env.DB.batch(statements.slice(i, i + 500));
    }

    const log: { sql: string; rowsRead: number }[] = [];
    const ctx = {
      ...serviceContext(env, new Request("http://x"), "t", () => {}),
      db: database(recordingD1(env.DB, log)),
    };
    const actor: Actor = { kind: "user", userId: owner.id, via: "session" };
    const bound = 3 * 31 + 10;
    const expectBounded = () => {
      for (const s of log) expect(s.rowsRead, s.sql).toBeLessThanOrEqual(bound);
      log.length = 0;
    };

    const first = await listMedia(ctx, actor, big.slug, { limit: 30 });
    expect(first.data).toHaveLength(30);
    expectBounded();
    let cursor = first.next_cursor ?? undefined;
    for (let page = 0; page < 40 && cursor; page++) {
      const next = await listMedia(ctx, actor, big.slug, { limit: 30, cursor });
      cursor = next.next_cursor ?? undefined;
    }
    expectBounded();
    const found = await listMedia(ctx, actor, big.slug, { limit: 30, q: "GAMMA-1" });
    expect(found.data.map((m) => m.original_name).slice(0, 2)).toEqual([
      "gamma-1002.png",
      "gamma-1006.png",
    ]);
    expectBounded();
    const images = await listMedia(ctx, actor, big.slug, { limit: 30, type: "image" });
    expect(images.data).toHaveLength(30);
    expectBounded();
  });
});
