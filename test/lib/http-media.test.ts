import { describe, expect, it } from "vitest";
import {
  contentDisposition,
  dispositionType,
  evaluateConditionals,
  ifRangeAllows,
  parseRange,
  sanitizeFileName,
} from "../../worker/lib/http-media";
import { formBoundary, streamFormFile } from "../../worker/lib/multipart-form";

describe("parseRange", () => {
  it("reads single, open-ended, suffix and clamped ranges", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({
      kind: "ranges",
      ranges: [{ start: 0, end: 9 }],
    });
    expect(parseRange("bytes=90-", 100)).toEqual({
      kind: "ranges",
      ranges: [{ start: 90, end: 99 }],
    });
    expect(parseRange("bytes=-10", 100)).toEqual({
      kind: "ranges",
      ranges: [{ start: 90, end: 99 }],
    });
    expect(parseRange("bytes=-500", 100)).toEqual({
      kind: "ranges",
      ranges: [{ start: 0, end: 99 }],
    });
    expect(parseRange("bytes=50-5000", 100)).toEqual({
      kind: "ranges",
      ranges: [{ start: 50, end: 99 }],
    });
  });

  it("merges overlapping ranges and keeps separate ones apart", () => {
    expect(parseRange("bytes=0-9, 5-20, 50-59", 100)).toEqual({
      kind: "ranges",
      ranges: [
        { start: 0, end: 20 },
        { start: 50, end: 59 },
      ],
    });
    expect(parseRange("bytes=10-19,0-9", 100)).toEqual({
      kind: "ranges",
      ranges: [{ start: 0, end: 19 }],
    });
  });

  it("is unsatisfiable past the end, and ignores what it cannot parse", () => {
    expect(parseRange("bytes=100-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-0", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=999999-", 100)).toEqual({ kind: "unsatisfiable" });
    for (const header of [
      null,
      "",
      "items=0-1",
      "bytes=abc",
      "bytes=9-1",
      "bytes=-",
      "bytes=1-2,,",
    ]) {
      expect(parseRange(header, 100), String(header)).toEqual({ kind: "none" });
    }
    expect(
      parseRange(
        `bytes=${Array.from({ length: 9 }, (_, i) => `${i * 10}-${i * 10}`).join(",")}`,
        100,
      ),
    ).toEqual({ kind: "none" });
  });
});

describe("conditional requests", () => {
  const v = { etag: '"abc"', lastModified: new Date("2025-01-02T03:04:05.678Z") };
  const h = (init: Record<string, string>) => new Headers(init);

  it("follows RFC 9110 precedence", () => {
    expect(evaluateConditionals(h({ "if-none-match": '"abc"' }), v)).toBe("not_modified");
    expect(evaluateConditionals(h({ "if-none-match": 'W/"abc"' }), v)).toBe("not_modified");
    expect(evaluateConditionals(h({ "if-none-match": "*" }), v)).toBe("not_modified");
    expect(evaluateConditionals(h({ "if-none-match": '"x"' }), v)).toBe("proceed");
    // If-None-Match wins over If-Modified-Since.
    expect(
      evaluateConditionals(
        h({ "if-none-match": '"x"', "if-modified-since": "Thu, 02 Jan 2025 03:04:05 GMT" }),
        v,
      ),
    ).toBe("proceed");
    expect(
      evaluateConditionals(h({ "if-modified-since": "Thu, 02 Jan 2025 03:04:05 GMT" }), v),
    ).toBe("not_modified");
    expect(
      evaluateConditionals(h({ "if-modified-since": "Thu, 02 Jan 2025 03:04:04 GMT" }), v),
    ).toBe("proceed");
    expect(evaluateConditionals(h({ "if-modified-since": "garbage" }), v)).toBe("proceed");
    expect(evaluateConditionals(h({ "if-match": 'W/"abc"' }), v)).toBe("precondition_failed");
    expect(evaluateConditionals(h({ "if-match": '"abc"' }), v)).toBe("proceed");
    expect(
      evaluateConditionals(h({ "if-unmodified-since": "Wed, 01 Jan 2025 00:00:00 GMT" }), v),
    ).toBe("precondition_failed");
  });

  it("applies If-Range only when the strong validator matches", () => {
    expect(ifRangeAllows(h({}), v)).toBe(true);
    expect(ifRangeAllows(h({ "if-range": '"abc"' }), v)).toBe(true);
    expect(ifRangeAllows(h({ "if-range": 'W/"abc"' }), v)).toBe(false);
    expect(ifRangeAllows(h({ "if-range": '"other"' }), v)).toBe(false);
    expect(ifRangeAllows(h({ "if-range": "Thu, 02 Jan 2025 03:04:05 GMT" }), v)).toBe(true);
    expect(ifRangeAllows(h({ "if-range": "Thu, 02 Jan 2025 03:04:06 GMT" }), v)).toBe(false);
  });
});

describe("file names", () => {
  it("keeps the last path segment, without controls, bidi overrides or leading dots", () => {
    expect(sanitizeFileName("../../etc/passwd.png")).toBe("passwd.png");
    expect(sanitizeFileName("C:\\Users\\me\\photo.jpg")).toBe("photo.jpg");
    expect(sanitizeFileName("a\r\nb\u0000c.png")).toBe("abc.png");
    expect(sanitizeFileName("evil\u202egnp.exe")).toBe("evilgnp.exe");
    expect(sanitizeFileName("...hidden")).toBe("hidden");
    expect(sanitizeFileName("   ")).toBe("file");
    expect(sanitizeFileName("../")).toBe("file");
    const long = sanitizeFileName(`${"x".repeat(300)}.jpeg`);
    expect(long).toHaveLength(200);
    expect(long.endsWith(".jpeg")).toBe(true);
  });

  it("builds Content-Disposition that nothing in the name can break out of", () => {
    expect(contentDisposition("inline", "Photo.png")).toBe(
      `inline; filename="Photo.png"; filename*=UTF-8''Photo.png`,
    );
    const nasty = contentDisposition("attachment", 'a"; filename=x.html\r\nSet-Cookie: x=1 ü.pdf');
    expect(nasty).not.toMatch(/[\r\n]/);
    expect(nasty).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''[A-Za-z0-9%._~!-]*$/);
    expect(nasty).toContain("%C3%BC");
  });

  it("shows images, audio, video and PDF inline; anything else downloads", () => {
    for (const type of ["image/png", "video/mp4", "audio/mpeg", "application/pdf"]) {
      expect(dispositionType(type)).toBe("inline");
    }
    for (const type of ["text/html", "application/octet-stream", "image", "application/zip"]) {
      expect(dispositionType(type)).toBe("attachment");
    }
  });
});

describe("streaming multipart/form-data", () => {
  const encoder = new TextEncoder();

  function form(boundary: string, parts: { headers: string; body: Uint8Array }[]): Uint8Array {
    const chunks: Uint8Array[] = [encoder.encode("preamble\r\n")];
    for (const p of parts) {
      chunks.push(
        encoder.encode(`--${boundary}\r\n${p.headers}\r\n\r\n`),
        p.body,
        encoder.encode("\r\n"),
      );
    }
    chunks.push(encoder.encode(`--${boundary}--\r\n`));
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  const streamOf = (bytes: Uint8Array, size: number) => {
    let offset = 0;
    return new ReadableStream<Uint8Array>({
      pull(c) {
        if (offset >= bytes.length) return c.close();
        c.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      },
    });
  };

  async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) parts.push(chunk);
    const out = new Uint8Array(parts.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of parts) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  it("finds the boundary in the Content-Type", () => {
    expect(formBoundary("multipart/form-data; boundary=----abc")).toBe("----abc");
    expect(formBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe("a b");
    expect(formBoundary("application/octet-stream")).toBeNull();
    expect(formBoundary("multipart/form-data")).toBeNull();
  });

  it("returns the file's exact bytes whatever the chunk sizes", async () => {
    const boundary = "----folioBoundary7MA4YWxkTrZu0gW";
    // The file contains things that look like the boundary, but are not.
    const file = new Uint8Array(20_000);
    for (let i = 0; i < file.length; i++) file[i] = (i * 7) % 251;
    file.set(encoder.encode(`\r\n--${boundary.slice(0, -1)}X`), 5000);
    file.set(encoder.encode("\r\n\r\n--"), 9000);
    const body = form(boundary, [
      { headers: 'Content-Disposition: form-data; name="intent"', body: encoder.encode("upload") },
      {
        headers:
          'Content-Disposition: form-data; name="file"; filename="na\\"me.png"\r\nContent-Type: image/png',
        body: file,
      },
    ]);
    for (const size of [1, 7, 64, 1000, 65_536]) {
      const found = await streamFormFile(streamOf(body, size), boundary, "file");
      expect(found?.fileName, `chunk ${size}`).toBe('na"me.png');
      expect(await collect(found!.body), `chunk ${size}`).toEqual(file);
    }
  });

  it("reads RFC 8187 file names and answers null without a file", async () => {
    const boundary = "b0undary";
    const withStar = form(boundary, [
      {
        headers: `Content-Disposition: form-data; name="file"; filename="fallback.png"; filename*=UTF-8''na%C3%AFve.png`,
        body: encoder.encode("x"),
      },
    ]);
    expect((await streamFormFile(streamOf(withStar, 5), boundary, "file"))?.fileName).toBe(
      "naïve.png",
    );
    const noFile = form(boundary, [
      {
        headers: 'Content-Disposition: form-data; name="file"; filename=""',
        body: new Uint8Array(),
      },
    ]);
    expect(await streamFormFile(streamOf(noFile, 5), boundary, "file")).toBeNull();
  });

  it("rejects a body cut off before the file ends", async () => {
    const boundary = "cut";
    const body = form(boundary, [
      {
        headers: 'Content-Disposition: form-data; name="file"; filename="a.png"',
        body: new Uint8Array(100),
      },
    ]);
    const truncated = body.slice(0, body.length - 20);
    const found = await streamFormFile(streamOf(truncated, 16), boundary, "file");
    await expect(collect(found!.body)).rejects.toThrow(/ended before the file did/);
  });
});
