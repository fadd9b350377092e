/**
 * Media type detection for uploads: the type comes from magic numbers only (never the file
 * name or the Content-Type header), image dimensions come from the headers, and two helpers
 * flag content a browser could sniff as HTML or SVG.
 *
 * The bytes are untrusted, so every reader checks bounds before it reads and every loop is
 * bounded: malformed input yields null/false, never an exception or a runaway loop.
 */

export type MediaKind = "image" | "video" | "audio" | "document";

export interface SniffResult {
  contentType: string;
  extension: string;
  kind: MediaKind;
}

export interface ImageDimensions {
  width: number;
  height: number;
}

const TYPES = {
  jpeg: { contentType: "image/jpeg", extension: "jpg", kind: "image" },
  png: { contentType: "image/png", extension: "png", kind: "image" },
  gif: { contentType: "image/gif", extension: "gif", kind: "image" },
  webp: { contentType: "image/webp", extension: "webp", kind: "image" },
  avif: { contentType: "image/avif", extension: "avif", kind: "image" },
  mp4: { contentType: "video/mp4", extension: "mp4", kind: "video" },
  webm: { contentType: "video/webm", extension: "webm", kind: "video" },
  mp3: { contentType: "audio/mpeg", extension: "mp3", kind: "audio" },
  ogg: { contentType: "audio/ogg", extension: "ogg", kind: "audio" },
  wav: { contentType: "audio/wav", extension: "wav", kind: "audio" },
  pdf: { contentType: "application/pdf", extension: "pdf", kind: "document" },
} as const satisfies Record<string, SniffResult>;

// A fresh object each time, so a caller mutating its result cannot corrupt the table.
function result(key: keyof typeof TYPES): SniffResult {
  return { ...TYPES[key] };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff] as const;
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3] as const;

const AVIF_BRANDS = new Set(["avif", "avis"]);
const MP4_BRANDS = new Set([
  "isom",
  "iso2",
  "iso3",
  "iso4",
  "iso5",
  "iso6",
  "mp41",
  "mp42",
  "avc1",
  "M4V ",
]);
// Generic HEIF brands some encoders use as major brand, listing avif only as compatible.
const HEIF_GENERIC_BRANDS = new Set(["mif1", "msf1"]);

// ---------------------------------------------------------------------------------------
// Bounds-checked readers. Callers check that the whole field fits before calling; the
// `?? 0` only satisfies noUncheckedIndexedAccess.

function byteAt(b: Uint8Array, i: number): number {
  return b[i] ?? 0;
}

function u16be(b: Uint8Array, i: number): number {
  return (byteAt(b, i) << 8) | byteAt(b, i + 1);
}

function u16le(b: Uint8Array, i: number): number {
  return byteAt(b, i) | (byteAt(b, i + 1) << 8);
}

function u24le(b: Uint8Array, i: number): number {
  return byteAt(b, i) | (byteAt(b, i + 1) << 8) | (byteAt(b, i + 2) << 16);
}

function u24be(b: Uint8Array, i: number): number {
  return (byteAt(b, i) << 16) | (byteAt(b, i + 1) << 8) | byteAt(b, i + 2);
}

// Multiplication instead of `<< 24` keeps the result unsigned.
function u32be(b: Uint8Array, i: number): number {
  return byteAt(b, i) * 0x1000000 + u24be(b, i + 1);
}

function matches(b: Uint8Array, offset: number, sig: readonly number[]): boolean {
  if (offset + sig.length > b.length) return false;
  for (let k = 0; k < sig.length; k++) {
    if (b[offset + k] !== sig[k]) return false;
  }
  return true;
}

function matchesAscii(b: Uint8Array, offset: number, text: string): boolean {
  if (offset + text.length > b.length) return false;
  for (let k = 0; k < text.length; k++) {
    if (b[offset + k] !== text.charCodeAt(k)) return false;
  }
  return true;
}

/** `n` bytes as a Latin-1 string, or "" when they are not all in the buffer. */
function ascii(b: Uint8Array, offset: number, n: number): string {
  if (offset < 0 || offset + n > b.length) return "";
  let s = "";
  for (let k = 0; k < n; k++) s += String.fromCharCode(byteAt(b, offset + k));
  return s;
}

function dimensions(width: number, height: number): ImageDimensions | null {
  // Zero means "unknown" or a corrupt header in every format handled here.
  if (width <= 0 || height <= 0) return null;
  return { width, height };
}

// ---------------------------------------------------------------------------------------
// Type detection

/**
 * Detects the media type of a file from its first bytes (pass at least 4096 bytes, or the
 * whole file when smaller). Returns null for anything outside the allowed list.
 */
export function sniffMedia(head: Uint8Array): SniffResult | null {
  if (matches(head, 0, PNG_SIGNATURE)) return result("png");
  if (matches(head, 0, JPEG_SIGNATURE)) return result("jpeg");
  if (matchesAscii(head, 0, "GIF87a") || matchesAscii(head, 0, "GIF89a")) return result("gif");
  if (matchesAscii(head, 0, "RIFF")) {
    if (matchesAscii(head, 8, "WEBP")) return isWebp(head) ? result("webp") : null;
    if (matchesAscii(head, 8, "WAVE")) return result("wav");
    return null;
  }
  if (matchesAscii(head, 4, "ftyp")) return sniffFtyp(head);
  if (matches(head, 0, EBML_MAGIC)) return isWebm(head) ? result("webm") : null;
  if (matchesAscii(head, 0, "OggS") && head[4] === 0) return result("ogg");
  if (matchesAscii(head, 0, "%PDF-")) return result("pdf");
  if (isId3(head) || isMpegAudio(head)) return result("mp3");
  return null;
}

function isWebp(head: Uint8Array): boolean {
  // The first chunk must be one of the three bitstream headers; "RIFF....WEBP" alone is
  // not an image.
  return (
    matchesAscii(head, 12, "VP8 ") ||
    matchesAscii(head, 12, "VP8L") ||
    matchesAscii(head, 12, "VP8X")
  );
}

function sniffFtyp(head: Uint8Array): SniffResult | null {
  const size = u32be(head, 0);
  if (size < 16 || head.length < 12) return null;
  const major = ascii(head, 8, 4);
  if (AVIF_BRANDS.has(major)) return result("avif");
  if (MP4_BRANDS.has(major)) return result("mp4");
  if (HEIF_GENERIC_BRANDS.has(major)) {
    const end = Math.min(size, head.length);
    for (let i = 16; i + 4 <= end; i += 4) {
      if (AVIF_BRANDS.has(ascii(head, i, 4))) return result("avif");
    }
  }
  return null;
}

interface Vint {
  value: number;
  length: number;
  unknown: boolean;
}

/** EBML variable-length integer; `keepMarker` for element IDs, which keep their length bit. */
function readVint(b: Uint8Array, pos: number, keepMarker: boolean): Vint | null {
  const first = b[pos];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23; // 1..8 for a non-zero byte
  if (pos + length > b.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let k = 1; k < length; k++) {
    const byte = byteAt(b, pos + k);
    if (byte !== 0xff) allOnes = false;
    value = value * 256 + byte;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

const EBML_DOCTYPE_ID = 0x4282;

function isWebm(head: Uint8Array): boolean {
  let pos = EBML_MAGIC.length;
  const size = readVint(head, pos, false);
  if (!size) return false;
  pos += size.length;
  const end = size.unknown ? head.length : Math.min(head.length, pos + size.value);
  // The EBML header holds about seven elements; the cap only guards against crafted input.
  for (let n = 0; pos < end && n < 32; n++) {
    const id = readVint(head, pos, true);
    if (!id || id.length > 4) return false;
    pos += id.length;
    const len = readVint(head, pos, false);
    if (!len || len.unknown) return false;
    pos += len.length;
    if (id.value === EBML_DOCTYPE_ID) {
      if (len.value > 16 || pos + len.value > head.length) return false;
      return ascii(head, pos, len.value).replace(/\0+$/, "") === "webm";
    }
    pos += len.value;
  }
  return false;
}

function isId3(head: Uint8Array): boolean {
  if (!matchesAscii(head, 0, "ID3") || head.length < 10) return false;
  const major = byteAt(head, 3);
  if (major < 2 || major > 4 || byteAt(head, 4) === 0xff) return false;
  // The tag size is "syncsafe": the high bit of each of its four bytes is always clear.
  for (let i = 6; i < 10; i++) if (byteAt(head, i) & 0x80) return false;
  return true;
}

// Kbit/s by bitrate index 1..14 (0 = free format and 15 = invalid are rejected).
const BITRATES = {
  v1l1: [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  v1l2: [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  v1l3: [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2l1: [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  v2l23: [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
} as const;
const SAMPLE_RATES = { v1: [44100, 48000, 32000], v2: [22050, 24000, 16000] } as const;

function bitrateTable(v1: boolean, layer: number): readonly number[] {
  if (v1) return layer === 3 ? BITRATES.v1l1 : layer === 2 ? BITRATES.v1l2 : BITRATES.v1l3;
  return layer === 3 ? BITRATES.v2l1 : BITRATES.v2l23;
}

interface MpegFrame {
  length: number;
  /** Version, layer and sample rate bits: constant across the frames of one stream. */
  signature: number;
}

function mpegFrame(b: Uint8Array, i: number): MpegFrame | null {
  if (i + 4 > b.length) return null;
  const b1 = byteAt(b, i + 1);
  const b2 = byteAt(b, i + 2);
  const b3 = byteAt(b, i + 3);
  if (byteAt(b, i) !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const version = (b1 >> 3) & 3; // 0 = MPEG 2.5, 1 = reserved, 2 = MPEG 2, 3 = MPEG 1
  const layer = (b1 >> 1) & 3; // 0 = reserved (also what AAC ADTS has), 1 = III, 2 = II, 3 = I
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (version === 1 || layer === 0 || bitrateIndex === 0 || bitrateIndex === 15) return null;
  if (rateIndex === 3 || (b3 & 3) === 2) return null; // reserved sample rate / emphasis
  const v1 = version === 3;
  const bitrate = (bitrateTable(v1, layer)[bitrateIndex - 1] ?? 0) * 1000;
  const baseRate = (v1 ? SAMPLE_RATES.v1 : SAMPLE_RATES.v2)[rateIndex] ?? 0;
  const sampleRate = version === 0 ? baseRate / 2 : baseRate;
  if (bitrate === 0 || sampleRate === 0) return null;
  const padding = (b2 >> 1) & 1;
  let length: number;
  if (layer === 3) length = (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
  else if (layer === 1 && !v1) length = Math.floor((72 * bitrate) / sampleRate) + padding;
  else length = Math.floor((144 * bitrate) / sampleRate) + padding;
  return { length, signature: (b1 & 0xfe) | (rateIndex << 8) };
}

/**
 * A bare MPEG audio stream (no ID3 tag). Two bytes of frame sync occur in random data, so
 * the frame after the first must sync too; only a file holding a single frame is let
 * through on one header.
 */
function isMpegAudio(head: Uint8Array): boolean {
  const first = mpegFrame(head, 0);
  if (!first || first.length > head.length) return false;
  if (first.length + 4 > head.length) return true;
  const second = mpegFrame(head, first.length);
  return second !== null && second.signature === first.signature;
}

// ---------------------------------------------------------------------------------------
// Dimensions

/**
 * Width and height from the header of a PNG, GIF, JPEG, WebP or AVIF image. `contentType`
 * selects the parser (use the sniffed type); the signature is checked again. Returns null
 * for other types and for truncated or corrupt headers. The caller enforces size limits.
 */
export function imageDimensions(bytes: Uint8Array, contentType: string): ImageDimensions | null {
  switch (contentType.split(";")[0]?.trim().toLowerCase()) {
    case "image/png":
      return pngDimensions(bytes);
    case "image/gif":
      return gifDimensions(bytes);
    case "image/jpeg":
      return jpegDimensions(bytes);
    case "image/webp":
      return webpDimensions(bytes);
    case "image/avif":
      return avifDimensions(bytes);
    default:
      return null;
  }
}

function pngDimensions(b: Uint8Array): ImageDimensions | null {
  // IHDR must be the first chunk, 13 bytes long.
  if (!matches(b, 0, PNG_SIGNATURE) || b.length < 24) return null;
  if (u32be(b, 8) !== 13 || !matchesAscii(b, 12, "IHDR")) return null;
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  if (width > 0x7fffffff || height > 0x7fffffff) return null; // PNG caps both at 2^31-1
  return dimensions(width, height);
}

function gifDimensions(b: Uint8Array): ImageDimensions | null {
  if (!(matchesAscii(b, 0, "GIF87a") || matchesAscii(b, 0, "GIF89a")) || b.length < 10) {
    return null;
  }
  return dimensions(u16le(b, 6), u16le(b, 8));
}

// Markers in the C0..CF range that are not frame headers: DHT, JPG (reserved), DAC.
const NOT_SOF = new Set([0xc4, 0xc8, 0xcc]);
// A real header rarely has more than ~20 segments; the cap bounds crafted input.
const MAX_JPEG_SEGMENTS = 1024;

function jpegDimensions(b: Uint8Array): ImageDimensions | null {
  if (!matches(b, 0, [0xff, 0xd8])) return null;
  let i = 2;
  for (let n = 0; n < MAX_JPEG_SEGMENTS; n++) {
    if (byteAt(b, i) !== 0xff || i + 1 >= b.length) return null;
    // Any number of 0xFF fill bytes may precede a marker.
    while (i + 1 < b.length && b[i + 1] === 0xff) i++;
    if (i + 1 >= b.length) return null;
    const marker = byteAt(b, i + 1);
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // standalone markers carry no length
      continue;
    }
    // Image data (SOS) or the end came before any frame header; 0x00 is no marker at all.
    if (marker === 0xda || marker === 0xd9 || marker === 0x00) return null;
    if (i + 4 > b.length) return null;
    const length = u16be(b, i + 2); // includes its own two bytes
    if (length < 2) return null;
    if (marker >= 0xc0 && marker <= 0xcf && !NOT_SOF.has(marker)) {
      // Length, precision, height, width: the fields must lie inside both segment and buffer.
      if (length < 7 || i + 9 > b.length) return null;
      return dimensions(u16be(b, i + 7), u16be(b, i + 5));
    }
    i += 2 + length;
  }
  return null;
}

function webpDimensions(b: Uint8Array): ImageDimensions | null {
  if (!matchesAscii(b, 0, "RIFF") || !matchesAscii(b, 8, "WEBP")) return null;
  const data = 20; // after "RIFF" size "WEBP", chunk fourcc and chunk size
  if (matchesAscii(b, 12, "VP8X")) {
    // Flags (1 byte), reserved (3), canvas width - 1 and height - 1 (24-bit each).
    if (b.length < data + 10) return null;
    return dimensions(u24le(b, data + 4) + 1, u24le(b, data + 7) + 1);
  }
  if (matchesAscii(b, 12, "VP8L")) {
    // Signature 0x2F, then width - 1 and height - 1 packed as two 14-bit fields.
    if (b.length < data + 5 || b[data] !== 0x2f) return null;
    const b1 = byteAt(b, data + 1);
    const b2 = byteAt(b, data + 2);
    const b3 = byteAt(b, data + 3);
    const b4 = byteAt(b, data + 4);
    const width = 1 + (((b2 & 0x3f) << 8) | b1);
    const height = 1 + (((b4 & 0x0f) << 10) | (b3 << 2) | ((b2 & 0xc0) >> 6));
    return dimensions(width, height);
  }
  if (matchesAscii(b, 12, "VP8 ")) {
    // 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height (2 scale bits).
    if (b.length < data + 10 || !matches(b, data + 3, [0x9d, 0x01, 0x2a])) return null;
    return dimensions(u16le(b, data + 6) & 0x3fff, u16le(b, data + 8) & 0x3fff);
  }
  return null;
}

interface Box {
  type: string;
  /** First byte of the payload (after the header). */
  start: number;
  /** End of the payload, clamped to the parent and the buffer. */
  end: number;
}

// Boxes per container level; real files have a handful, the cap bounds crafted input.
const MAX_BOXES = 256;

/** ISO BMFF boxes between `from` and `to`. A box running past `to` is clamped, not dropped. */
function childBoxes(b: Uint8Array, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  let pos = from;
  while (pos + 8 <= to && boxes.length < MAX_BOXES) {
    let size = u32be(b, pos);
    const type = ascii(b, pos + 4, 4);
    let header = 8;
    if (size === 1) {
      if (pos + 16 > to) break;
      size = u32be(b, pos + 8) * 0x100000000 + u32be(b, pos + 12);
      header = 16;
    } else if (size === 0) {
      size = to - pos; // "extends to the end"
    }
    if (size < header) break; // corrupt: a box cannot be smaller than its header
    boxes.push({ type, start: pos + header, end: Math.min(pos + size, to) });
    pos += size;
  }
  return boxes;
}

function findBox(boxes: readonly Box[], type: string): Box | undefined {
  return boxes.find((box) => box.type === type);
}

function avifDimensions(b: Uint8Array): ImageDimensions | null {
  if (!matchesAscii(b, 4, "ftyp")) return null;
  const meta = findBox(childBoxes(b, 0, b.length), "meta");
  if (!meta) return null;
  const metaChildren = childBoxes(b, meta.start + 4, meta.end); // FullBox: version + flags
  const iprp = findBox(metaChildren, "iprp");
  if (!iprp) return null;
  const iprpChildren = childBoxes(b, iprp.start, iprp.end);
  const ipco = findBox(iprpChildren, "ipco");
  if (!ipco) return null;
  // Property indexes in ipma are 1-based positions in ipco.
  const properties = childBoxes(b, ipco.start, ipco.end).map((box) =>
    box.type === "ispe" ? ispeDimensions(b, box) : null,
  );

  // The primary item's own ispe is the image size; others belong to tiles, alpha planes
  // or thumbnails.
  const primary = primaryItem(b, findBox(metaChildren, "pitm"));
  if (primary !== null) {
    for (const ipma of iprpChildren) {
      if (ipma.type !== "ipma") continue;
      for (const index of itemProperties(b, ipma, primary) ?? []) {
        const found = properties[index - 1];
        if (found) return found;
      }
    }
  }
  // Without a usable pitm/ipma, the largest ispe is the best guess (tiles and thumbnails
  // are smaller than the image they belong to).
  let best: ImageDimensions | null = null;
  for (const found of properties) {
    if (found && (!best || found.width * found.height > best.width * best.height)) best = found;
  }
  return best;
}

function ispeDimensions(b: Uint8Array, box: Box): ImageDimensions | null {
  // FullBox header (4 bytes), then image_width and image_height as u32.
  if (box.start + 12 > box.end) return null;
  return dimensions(u32be(b, box.start + 4), u32be(b, box.start + 8));
}

function primaryItem(b: Uint8Array, pitm: Box | undefined): number | null {
  if (!pitm) return null;
  const version = byteAt(b, pitm.start);
  const idSize = version === 0 ? 2 : 4;
  if (pitm.start + 4 + idSize > pitm.end) return null;
  return idSize === 2 ? u16be(b, pitm.start + 4) : u32be(b, pitm.start + 4);
}

/** Property indexes (1-based) associated with `item` in an ipma box, or null. */
function itemProperties(b: Uint8Array, ipma: Box, item: number): number[] | null {
  let p = ipma.start;
  if (p + 8 > ipma.end) return null;
  const version = byteAt(b, p);
  const flags = u24be(b, p + 1);
  const count = u32be(b, p + 4);
  p += 8;
  const idSize = version < 1 ? 2 : 4;
  const entrySize = flags & 1 ? 2 : 1;
  // Every entry consumes at least three bytes and is checked against the box end, so the
  // loop ends with the box whatever `count` claims.
  for (let e = 0; e < count; e++) {
    if (p + idSize + 1 > ipma.end) return null;
    const id = idSize === 2 ? u16be(b, p) : u32be(b, p);
    const associations = byteAt(b, p + idSize);
    p += idSize + 1;
    if (p + associations * entrySize > ipma.end) return null;
    if (id === item) {
      const indexes: number[] = [];
      for (let k = 0; k < associations; k++) {
        // The top bit is the "essential" flag, not part of the index.
        indexes.push(entrySize === 2 ? u16be(b, p + 2 * k) & 0x7fff : byteAt(b, p + k) & 0x7f);
      }
      return indexes;
    }
    p += associations * entrySize;
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Active content

const SCAN_WINDOW = 1024;

/**
 * The first KB as lower-cased Latin-1 text. For UTF-16 text (a BOM, or `<` next to a NUL at
 * the start) NUL bytes are dropped so it reads like ASCII; binary formats keep theirs, since
 * dropping them would join box sizes to box names (an MP4 box of 60 bytes reads `<...`).
 */
function markupView(bytes: Uint8Array): string {
  const end = Math.min(bytes.length, SCAN_WINDOW);
  const b0 = bytes[0];
  const b1 = bytes[1];
  const utf16 =
    (b0 === 0xff && b1 === 0xfe) ||
    (b0 === 0xfe && b1 === 0xff) ||
    (b0 === 0x3c && b1 === 0) ||
    (b0 === 0 && b1 === 0x3c);
  let s = "";
  for (let i = 0; i < end; i++) {
    const c = byteAt(bytes, i);
    if (c === 0 && utf16) continue;
    s += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
  }
  return s;
}

// Leading UTF-8 / UTF-16 byte order marks (as Latin-1 characters) and HTML whitespace.
const LEADING_NOISE = /^(?:\u00ef\u00bb\u00bf|\u00fe\u00ff|\u00ff\u00fe)?[\t\n\f\r ]*/;

// Markup openings that need no tag-name terminator.
const OPENINGS = "!doctype|!--|\\?xml";
// Tag names distinctive enough (four or more characters with the `<`) to search for anywhere.
const LONG_TAGS =
  "html|head|body|script|iframe|frame|frameset|svg|style|title|img|object|embed|meta|link" +
  "|base|form|table|plaintext|div|font|pre";
// Short tags browsers recognise when sniffing the start of a response; searched only there,
// since three bytes such as `<b>` occur by chance in binary data.
const SHORT_TAGS = "a|b|p|br|h1|i|u";
// Tag names end the way the HTML tokenizer ends them (whitespace, `/` or `>`): that is how
// browsers read them, and it keeps binary data from matching by chance (an AVIF `meta` box
// after a size ending in 0x3C reads `<meta` followed by a NUL).
const TAG_END = "[\\t\\n\\f\\r />]";

const LEADING_MARKUP = new RegExp(`^<(?:${OPENINGS}|(?:${LONG_TAGS}|${SHORT_TAGS})${TAG_END})`);
const EMBEDDED_MARKUP = new RegExp(
  `<(?:${OPENINGS})|<(?:${LONG_TAGS})${TAG_END}|<a\\s[^<>]{0,256}?href`,
);

/**
 * True when the first KB holds markup a browser might sniff and render: a document that
 * starts with a known tag (after BOM and whitespace), or a distinctive HTML/SVG/XML marker
 * anywhere in the window, as in a GIF with `<script>` in a comment extension.
 */
export function looksLikeActiveContent(bytes: Uint8Array): boolean {
  const text = markupView(bytes);
  return LEADING_MARKUP.test(text.replace(LEADING_NOISE, "")) || EMBEDDED_MARKUP.test(text);
}

/**
 * True for a text document that is, or embeds, SVG: after the BOM and whitespace it starts
 * with markup (an XML declaration, comment, doctype or element) and the first KB contains
 * an `<svg` element (any namespace prefix) or the SVG namespace. SVG uploads are refused;
 * this only lets the caller say why, so it leans towards true for markup.
 */
export function isSvg(head: Uint8Array): boolean {
  const text = markupView(head).replace(LEADING_NOISE, "");
  if (!text.startsWith("<")) return false;
  return /<(?:[a-z_][\w.-]*:)?svg(?:[\s/>]|$)/.test(text) || text.includes("www.w3.org/2000/svg");
}
