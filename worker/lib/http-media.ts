/**
 * HTTP details of serving files: byte ranges (RFC 9110 §14), conditional
 * requests (§13) and safe `Content-Disposition` values (RFC 6266 / 8187).
 * Pure functions; the media route and the service use them.
 */

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export type RangeRequest =
  | { kind: "none" }
  | { kind: "unsatisfiable" }
  | { kind: "ranges"; ranges: ByteRange[] };

/** More ranges than this in one request are answered with the whole file. */
export const MAX_RANGES = 8;

/**
 * Parses a `Range` header against a representation of `size` bytes. A header
 * that is absent, not in bytes, or syntactically invalid is ignored (the whole
 * file is sent, as RFC 9110 allows); ranges that overlap or touch are merged.
 */
export function parseRange(header: string | null | undefined, size: number): RangeRequest {
  if (!header) return { kind: "none" };
  const match = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!match?.[1]) return { kind: "none" };
  const specs = match[1].split(",").map((s) => s.trim());
  if (specs.length > MAX_RANGES || specs.some((s) => s === "")) return { kind: "none" };

  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const m = /^(\d*)-(\d*)$/.exec(spec);
    if (!m || (m[1] === "" && m[2] === "")) return { kind: "none" };
    if (m[1] === "") {
      // Suffix: the last N bytes.
      const length = Number(m[2]);
      if (length > 0 && size > 0) ranges.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    const start = Number(m[1]);
    const end = m[2] === "" ? size - 1 : Number(m[2]);
    if (m[2] !== "" && end < start) return { kind: "none" }; // invalid, not unsatisfiable
    if (start < size) ranges.push({ start, end: Math.min(end, size - 1) });
  }
  if (!ranges.length) return { kind: "unsatisfiable" };

  ranges.sort((a, b) => a.start - b.start);
  const merged: ByteRange[] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return { kind: "ranges", ranges: merged };
}

export type ConditionalOutcome = "proceed" | "not_modified" | "precondition_failed";

interface Validators {
  /** Strong ETag, quoted: `"abc"`. */
  etag: string;
  lastModified: Date;
}

const opaque = (tag: string) => tag.trim().replace(/^W\//, "");

function etagListMatches(header: string, etag: string, weak: boolean): boolean {
  if (header.trim() === "*") return true;
  return header.split(",").some((candidate) => {
    const c = candidate.trim();
    if (!weak && c.startsWith("W/")) return false; // strong comparison never matches weak tags
    return opaque(c) === etag;
  });
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

function httpDate(value: string | null): Date | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** RFC 9110 §13.2.2, in its order, for GET and HEAD. */
export function evaluateConditionals(headers: Headers, v: Validators): ConditionalOutcome {
  const ifMatch = headers.get("if-match");
  if (ifMatch !== null) {
    if (!etagListMatches(ifMatch, v.etag, false)) return "precondition_failed";
  } else {
    const since = httpDate(headers.get("if-unmodified-since"));
    if (since && seconds(v.lastModified) > seconds(since)) return "precondition_failed";
  }
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) {
    if (etagListMatches(ifNoneMatch, v.etag, true)) return "not_modified";
  } else {
    const since = httpDate(headers.get("if-modified-since"));
    if (since && seconds(v.lastModified) <= seconds(since)) return "not_modified";
  }
  return "proceed";
}

/** `If-Range`: the Range applies only if the validator still matches (strong comparison). */
export function ifRangeAllows(headers: Headers, v: Validators): boolean {
  const ifRange = headers.get("if-range");
  if (ifRange === null) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) {
    return !value.startsWith("W/") && value === v.etag;
  }
  const date = httpDate(value);
  return date !== null && seconds(date) === seconds(v.lastModified);
}

// ---- file names ---------------------------------------------------------------------------

const MAX_NAME_CHARS = 200;

/**
 * A client-supplied file name made safe to store and show: the last path
 * segment only, no control or bidi-override characters, no leading dots,
 * at most 200 characters. Never used to build a storage key.
 */
export function sanitizeFileName(raw: string | null | undefined, fallback = "file"): string {
  let name = (raw ?? "").normalize("NFC");
  name = name.split(/[/\\]/).pop() ?? "";
  name = name
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "");
  if (name.length > MAX_NAME_CHARS) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
    name = name.slice(0, MAX_NAME_CHARS - ext.length) + ext;
  }
  return name || fallback;
}

/** `X-File-Name` may be percent-encoded UTF-8 (header values are Latin-1). */
export function decodeHeaderFileName(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * `inline` or `attachment` with the name twice: an ASCII fallback with every
 * quote, backslash and non-ASCII character replaced, and the exact name in
 * RFC 8187 encoding. Nothing the client sent can end the header or add a parameter.
 */
export function contentDisposition(type: "inline" | "attachment", fileName: string): string {
  const name = sanitizeFileName(fileName);
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Types a browser may show in place: images, audio, video and PDF. Everything else downloads. */
export function dispositionType(contentType: string): "inline" | "attachment" {
  return /^(image|video|audio)\//.test(contentType) || contentType === "application/pdf"
    ? "inline"
    : "attachment";
}
