/**
 * A streaming reader for `multipart/form-data` bodies that carry one file, for
 * uploads from plain HTML forms. `Request.formData()` would hold the whole
 * body (and the file) in memory; this hands the file's bytes on as they
 * arrive, keeping at most a chunk and a boundary's worth of bytes.
 */

export interface FormFile {
  /** The `filename` parameter as sent (untrusted; sanitize before use). */
  fileName: string;
  /** The file's bytes, ending where the part ends. */
  body: ReadableStream<Uint8Array>;
}

export class MultipartFormError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MultipartFormError";
  }
}

const MAX_HEADER_BYTES = 16 * 1024;
/** Preamble and fields before the file (a hidden `intent`, say) are small. */
const MAX_SKIPPED_BYTES = 64 * 1024;

/** The boundary of a `multipart/form-data` Content-Type, or null for anything else. */
export function formBoundary(contentType: string | null | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/** A growable window over a byte stream with bounded look-ahead. */
class Scanner {
  private buf = new Uint8Array(0);
  private ended = false;
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  get length() {
    return this.buf.length;
  }
  get done() {
    return this.ended;
  }

  /** Reads one more chunk; false at the end of the stream. */
  async more(): Promise<boolean> {
    if (this.ended) return false;
    const { done, value } = await this.reader.read();
    if (done) {
      this.ended = true;
      return false;
    }
    if (value.byteLength) {
      const next = new Uint8Array(this.buf.length + value.byteLength);
      next.set(this.buf);
      next.set(value, this.buf.length);
      this.buf = next;
    }
    return true;
  }

  indexOf(pattern: Uint8Array, from = 0): number {
    const first = pattern[0] ?? 0;
    const last = this.buf.length - pattern.length;
    for (let i = this.buf.indexOf(first, from); i !== -1 && i <= last; ) {
      let k = 1;
      while (k < pattern.length && this.buf[i + k] === pattern[k]) k++;
      if (k === pattern.length) return i;
      i = this.buf.indexOf(first, i + 1);
    }
    return -1;
  }

  /** Removes and returns the first `n` bytes. */
  take(n: number): Uint8Array {
    const head = this.buf.slice(0, n);
    this.buf = this.buf.slice(n);
    return head;
  }

  peek(n: number): Uint8Array {
    return this.buf.subarray(0, n);
  }

  cancel(reason?: unknown) {
    this.ended = true;
    return this.reader.cancel(reason).catch(() => {});
  }
}

/** Reads until `pattern` is in the window (or `max` bytes are, or the stream ends). */
async function find(scanner: Scanner, pattern: Uint8Array, max: number): Promise<number> {
  for (;;) {
    const at = scanner.indexOf(pattern);
    if (at !== -1) return at;
    if (scanner.length > max) return -1;
    if (!(await scanner.more())) return -1;
  }
}

interface PartHeaders {
  name: string | null;
  fileName: string | null;
}

function parseHeaders(raw: string): PartHeaders {
  let name: string | null = null;
  let fileName: string | null = null;
  for (const line of raw.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== "content-disposition") continue;
    const params = dispositionParams(line.slice(colon + 1));
    name = params.get("name") ?? null;
    const extended = params.get("filename*");
    fileName = extended ? decodeExtended(extended) : (params.get("filename") ?? null);
  }
  return { name, fileName };
}

/** `form-data; name="file"; filename="a \"b\".png"` → its parameters. */
function dispositionParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const key = (m[1] ?? "").toLowerCase();
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "").trim();
    if (!params.has(key)) params.set(key, raw);
  }
  return params;
}

/** RFC 8187 `UTF-8''na%C3%AFve.png`. */
function decodeExtended(value: string): string {
  const match = /^([\w-]+)'[^']*'(.*)$/.exec(value);
  if (!match) return value;
  try {
    return decodeURIComponent(match[2] ?? "");
  } catch {
    return match[2] ?? "";
  }
}

/**
 * Finds the first part named `field` that carries a file (it has a non-empty
 * `filename`) and returns its bytes as a stream. Returns null when the form
 * holds no such file. Throws MultipartFormError for a malformed body.
 */
export async function streamFormFile(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  field: string,
): Promise<FormFile | null> {
  const scanner = new Scanner(body.getReader());
  const dashBoundary = encoder.encode(`--${boundary}`);
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const headerEnd = encoder.encode("\r\n\r\n");
  const fail = async (message: string): Promise<never> => {
    await scanner.cancel();
    throw new MultipartFormError(message);
  };

  // The first boundary, after an optional preamble.
  const first = await find(scanner, dashBoundary, MAX_SKIPPED_BYTES);
  if (first === -1) return fail("The form body has no boundary.");
  scanner.take(first + dashBoundary.length);

  let skipped = 0;
  for (;;) {
    // After a boundary: `--` ends the form, CRLF starts a part.
    while (scanner.length < 2 && (await scanner.more())) {}
    const after = latin1.decode(scanner.peek(2));
    if (after === "--") {
      await scanner.cancel();
      return null;
    }
    if (after !== "\r\n") return fail("The form body is malformed.");
    scanner.take(2);

    const end = await find(scanner, headerEnd, MAX_HEADER_BYTES);
    if (end === -1) return fail("A form part's headers are missing or too long.");
    // Header values are UTF-8 in practice (browsers send file names that way).
    const headers = parseHeaders(utf8.decode(scanner.take(end)));
    scanner.take(headerEnd.length);

    if (headers.name === field && headers.fileName) {
      return { fileName: headers.fileName, body: partStream(scanner, delimiter) };
    }

    // Skip this part's body up to the next delimiter.
    for (;;) {
      const at = scanner.indexOf(delimiter);
      if (at !== -1) {
        skipped += at;
        scanner.take(at + delimiter.length);
        break;
      }
      const keep = delimiter.length - 1;
      if (scanner.length > keep) {
        skipped += scanner.length - keep;
        scanner.take(scanner.length - keep);
      }
      if (skipped > MAX_SKIPPED_BYTES) return fail("The form has too much data besides the file.");
      if (!(await scanner.more())) return fail("The form body ended in the middle of a part.");
    }
  }
}

/** The body of the current part, up to (not including) the next delimiter. */
function partStream(scanner: Scanner, delimiter: Uint8Array): ReadableStream<Uint8Array> {
  const keep = delimiter.length - 1;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const at = scanner.indexOf(delimiter);
        if (at !== -1) {
          if (at > 0) controller.enqueue(scanner.take(at));
          controller.close();
          await scanner.cancel(); // the rest of the form is not needed
          return;
        }
        // Everything but a possible partial delimiter at the end can go.
        const safe = scanner.length - keep;
        if (safe > 0) {
          controller.enqueue(scanner.take(safe));
          return;
        }
        if (!(await scanner.more())) {
          controller.error(new MultipartFormError("The form body ended before the file did."));
          return;
        }
      }
    },
    cancel(reason) {
      return scanner.cancel(reason);
    },
  });
}
