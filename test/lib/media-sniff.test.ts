import { describe, expect, it } from "vitest";
import {
  imageDimensions,
  isSvg,
  looksLikeActiveContent,
  sniffMedia,
} from "../../worker/lib/media-sniff";

// ---------------------------------------------------------------------------------------
// Fixture builders. Strings are taken as Latin-1 so "\xff" means the byte 0xFF.

type Part = string | readonly number[] | Uint8Array;

function bytes(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === "string") {
      for (let i = 0; i < part.length; i++) out.push(part.charCodeAt(i) & 0xff);
    } else {
      for (const byte of part) out.push(byte);
    }
  }
  return Uint8Array.from(out);
}

function u16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff];
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function u32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** ISO BMFF box: 32-bit size (header included) and four-character type. */
function box(type: string, ...parts: Part[]): Uint8Array {
  const payload = bytes(...parts);
  return bytes(u32(payload.length + 8), type, payload);
}

function fullBox(type: string, version: number, flags: number, ...parts: Part[]): Uint8Array {
  return box(type, [version, (flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff], ...parts);
}

/** JPEG marker segment; the length field counts itself but not the marker. */
function segment(marker: number, ...parts: Part[]): Uint8Array {
  const payload = bytes(...parts);
  return bytes([0xff, marker], u16(payload.length + 2), payload);
}

function riff(form: string, ...chunks: Part[]): Uint8Array {
  const body = bytes(form, ...chunks);
  return bytes("RIFF", u32le(body.length), body);
}

/** Deterministic PRNG (mulberry32) so "random" tests are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(seed: number, length: number): Uint8Array {
  const next = prng(seed);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

// ---------------------------------------------------------------------------------------
// Fixtures

// The classic 67-byte 1x1 RGBA PNG: IHDR, one IDAT (zlib of one filtered row), IEND.
const PNG_1X1 = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
  0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
  0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
  0x42, 0x60, 0x82,
]);

// 3x2 GIF89a, two-colour palette, pixels 0,1,0,1,0,1 (LZW with a clear code every two
// pixels so the code width stays at 3 bits).
const GIF_HEADER = bytes("GIF89a", [0x03, 0x00, 0x02, 0x00, 0x80, 0x00, 0x00]);
const GIF_PALETTE = [0x00, 0x00, 0x00, 0xff, 0xff, 0xff];
const GIF_IMAGE = bytes(
  [0x2c, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00],
  [0x02, 0x04, 0x44, 0x88, 0x10, 0x29, 0x00],
  [0x3b],
);
const GIF_3X2 = bytes(GIF_HEADER, GIF_PALETTE, GIF_IMAGE);

const JFIF_APP0 = segment(0xe0, "JFIF\0", [1, 1, 0, 0, 1, 0, 1, 0, 0]);
const DQT = segment(
  0xdb,
  [0x00],
  Array.from({ length: 64 }, (_, i) => 1 + (i % 50)),
);
// Baseline frame header: precision 8, height 480, width 640, three components.
const SOF0 = segment(0xc0, [8], u16(480), u16(640), [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
// A DC Huffman table (marker C4: inside the C0..CF range but not a frame header).
const DHT = segment(
  0xc4,
  [0x00],
  [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
);
const SOS = segment(0xda, [1, 1, 0x00, 0, 0x3f, 0]);
const JPEG_640X480 = bytes([0xff, 0xd8], JFIF_APP0, DQT, SOF0, DHT, SOS, [0x12, 0x34, 0xff, 0xd9]);

const WEBP_VP8X = riff(
  "WEBP",
  "VP8X",
  u32le(10),
  [0x10, 0, 0, 0],
  [0x8f, 0x01, 0x00],
  [0x2b, 0x01, 0x00],
);
const WEBP_VP8L = riff("WEBP", "VP8L", u32le(6), [0x2f, 0x2b, 0xc1, 0x31, 0x00, 0x00]);
const WEBP_VP8 = riff(
  "WEBP",
  "VP8 ",
  u32le(10),
  [0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a],
  [0x00, 0x01, 0xc0, 0x00],
);

function ispe(width: number, height: number): Uint8Array {
  return fullBox("ispe", 0, 0, u32(width), u32(height));
}

// A 1280x720 still AVIF: the primary item (1) is associated with ispe #2; ispe #1 is a
// 160x90 thumbnail (item 2) and ispe #3 a larger decoy nobody points at, to prove that
// pitm/ipma decide rather than size.
function avif(options: { pitm?: boolean; ipmaFlags?: number } = {}): Uint8Array {
  const { pitm = true, ipmaFlags = 0 } = options;
  const entry = (item: number, indexes: number[]) =>
    ipmaFlags & 1
      ? [...u16(item), indexes.length, ...indexes.flatMap((i) => u16(0x8000 | i))]
      : [...u16(item), indexes.length, ...indexes.map((i) => 0x80 | i)];
  const meta = fullBox(
    "meta",
    0,
    0,
    fullBox("hdlr", 0, 0, u32(0), "pict", u32(0), u32(0), u32(0), "\0"),
    pitm ? fullBox("pitm", 0, 0, u16(1)) : new Uint8Array(0),
    box(
      "iprp",
      box("ipco", ispe(160, 90), ispe(1280, 720), ispe(4000, 3000), box("pixi", [0, 0, 0, 0])),
      fullBox("ipma", 0, ipmaFlags, u32(2), entry(2, [1]), entry(1, [4, 2])),
    ),
  );
  return bytes(box("ftyp", "avif", u32(0), "mif1avifmiaf"), meta, box("mdat", "\x00\x01\x02"));
}
const AVIF = avif();

const MP4 = bytes(box("ftyp", "isom", u32(0x200), "isomiso2avc1mp41"), box("free"), box("mdat"));

const EBML_HEADER_BODY = (docType: string) =>
  bytes(
    [0x42, 0x86, 0x81, 0x01], // EBMLVersion 1
    [0x42, 0xf7, 0x81, 0x01], // EBMLReadVersion 1
    [0x42, 0xf2, 0x81, 0x04], // EBMLMaxIDLength 4
    [0x42, 0xf3, 0x81, 0x08], // EBMLMaxSizeLength 8
    [0x42, 0x82, 0x80 | docType.length],
    docType,
    [0x42, 0x87, 0x81, 0x04], // DocTypeVersion 4
    [0x42, 0x85, 0x81, 0x02], // DocTypeReadVersion 2
  );
function ebml(docType: string): Uint8Array {
  const body = EBML_HEADER_BODY(docType);
  return bytes([0x1a, 0x45, 0xdf, 0xa3, 0x80 | body.length], body, [0x18, 0x53, 0x80, 0x67]);
}

// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames.
const MP3_FRAME = bytes([0xff, 0xfb, 0x90, 0x00], new Uint8Array(413));
const MP3_ID3 = bytes(
  "ID3",
  [0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a],
  new Uint8Array(10),
  MP3_FRAME,
);
const MP3_BARE = bytes(MP3_FRAME, MP3_FRAME, MP3_FRAME);

const OGG = bytes("OggS", [0x00, 0x02], new Uint8Array(20), "\x01vorbis");
const WAV = riff(
  "WAVE",
  "fmt ",
  u32le(16),
  [0x01, 0x00, 0x01, 0x00],
  u32le(8000),
  u32le(8000),
  [0x01, 0x00, 0x08, 0x00],
  "data",
  u32le(4),
  [0x80, 0x80, 0x80, 0x80],
);
const PDF = bytes("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n");

// ---------------------------------------------------------------------------------------

describe("sniffMedia", () => {
  it.each([
    ["PNG", PNG_1X1, "image/png", "png", "image"],
    ["GIF", GIF_3X2, "image/gif", "gif", "image"],
    ["JPEG", JPEG_640X480, "image/jpeg", "jpg", "image"],
    ["WebP VP8X", WEBP_VP8X, "image/webp", "webp", "image"],
    ["WebP VP8L", WEBP_VP8L, "image/webp", "webp", "image"],
    ["WebP VP8", WEBP_VP8, "image/webp", "webp", "image"],
    ["AVIF", AVIF, "image/avif", "avif", "image"],
    ["MP4", MP4, "video/mp4", "mp4", "video"],
    ["WebM", ebml("webm"), "video/webm", "webm", "video"],
    ["MP3 with ID3", MP3_ID3, "audio/mpeg", "mp3", "audio"],
    ["bare MP3 frames", MP3_BARE, "audio/mpeg", "mp3", "audio"],
    ["Ogg", OGG, "audio/ogg", "ogg", "audio"],
    ["WAV", WAV, "audio/wav", "wav", "audio"],
    ["PDF", PDF, "application/pdf", "pdf", "document"],
  ])("recognises %s", (_name, file, contentType, extension, kind) => {
    expect(sniffMedia(file)).toEqual({ contentType, extension, kind });
  });

  it("tells AVIF from MP4 by ftyp brand", () => {
    expect(sniffMedia(box("ftyp", "avis", u32(0), "avismsf1"))?.contentType).toBe("image/avif");
    // Generic HEIF major brand, AVIF only among the compatible brands.
    expect(sniffMedia(box("ftyp", "mif1", u32(0), "mif1avif"))?.contentType).toBe("image/avif");
    expect(sniffMedia(box("ftyp", "M4V ", u32(0), "M4V mp42"))?.contentType).toBe("video/mp4");
    expect(sniffMedia(box("ftyp", "iso5", u32(0), "iso5dash"))?.contentType).toBe("video/mp4");
  });

  it("refuses ftyp brands outside the list (HEIC, QuickTime, M4A, 3GP)", () => {
    expect(sniffMedia(box("ftyp", "heic", u32(0), "mif1heic"))).toBeNull();
    expect(sniffMedia(box("ftyp", "mif1", u32(0), "mif1heic"))).toBeNull();
    expect(sniffMedia(box("ftyp", "qt  ", u32(0), "qt  "))).toBeNull();
    expect(sniffMedia(box("ftyp", "M4A ", u32(0), "M4A mp42isom"))).toBeNull();
    expect(sniffMedia(box("ftyp", "3gp4", u32(0), "isom3gp4"))).toBeNull();
    // An ftyp box too small to hold its own fields.
    expect(sniffMedia(bytes(u32(8), "ftypisom"))).toBeNull();
  });

  it("refuses Matroska and a WebM header cut before its doctype", () => {
    expect(sniffMedia(ebml("matroska"))).toBeNull();
    expect(sniffMedia(ebml("webm").subarray(0, 20))).toBeNull();
  });

  it("refuses RIFF forms other than WEBP (with a bitstream chunk) and WAVE", () => {
    expect(sniffMedia(riff("AVI ", "LIST", u32le(0)))).toBeNull();
    expect(sniffMedia(riff("WEBP", "JUNK", u32le(0)))).toBeNull();
    expect(sniffMedia(bytes("RIFF", u32le(4), "WEBP"))).toBeNull();
  });

  it("needs a second frame in sync before calling bare bytes MP3", () => {
    // One header followed by noise: random data carries a frame sync once every 2 KB.
    const noise = randomBytes(7, 2000).map((b) => (b === 0xff ? 0 : b));
    expect(sniffMedia(bytes([0xff, 0xfb, 0x90, 0x00], noise))).toBeNull();
    // AAC ADTS shares the sync word but has layer bits 00.
    expect(sniffMedia(bytes([0xff, 0xf1, 0x50, 0x80], new Uint8Array(1000)))).toBeNull();
    // A file holding exactly one frame has nothing else to check.
    expect(sniffMedia(MP3_FRAME)?.contentType).toBe("audio/mpeg");
  });

  it("decides from magic numbers only: HTML named photo.png is not an image", () => {
    const html = bytes("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>");
    expect(sniffMedia(html)).toBeNull();
  });

  it("refuses SVG, plain text, JSON, ZIP and executables", () => {
    expect(
      sniffMedia(bytes('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')),
    ).toBeNull();
    expect(sniffMedia(bytes("hello, world\n"))).toBeNull();
    expect(sniffMedia(bytes('{"a":1}'))).toBeNull();
    expect(sniffMedia(bytes("PK\x03\x04", new Uint8Array(30)))).toBeNull();
    expect(sniffMedia(bytes("MZ\x90\x00", new Uint8Array(60)))).toBeNull();
  });

  it("returns null for empty and short input", () => {
    expect(sniffMedia(new Uint8Array(0))).toBeNull();
    expect(sniffMedia(bytes([0x89, 0x50, 0x4e]))).toBeNull();
    expect(sniffMedia(bytes([0xff, 0xd8]))).toBeNull();
    expect(sniffMedia(bytes("GIF8"))).toBeNull();
  });

  it("returns null for random bytes", () => {
    for (let seed = 1; seed <= 200; seed++) {
      expect(sniffMedia(randomBytes(seed, 4096))).toBeNull();
    }
  });

  it("returns a fresh object each time", () => {
    const a = sniffMedia(PNG_1X1);
    if (a) a.contentType = "text/html";
    expect(sniffMedia(PNG_1X1)?.contentType).toBe("image/png");
  });
});

describe("imageDimensions", () => {
  it.each([
    ["PNG", PNG_1X1, "image/png", 1, 1],
    ["GIF", GIF_3X2, "image/gif", 3, 2],
    ["JPEG", JPEG_640X480, "image/jpeg", 640, 480],
    ["WebP VP8X", WEBP_VP8X, "image/webp", 400, 300],
    ["WebP VP8L", WEBP_VP8L, "image/webp", 300, 200],
    ["WebP VP8", WEBP_VP8, "image/webp", 256, 192],
    ["AVIF", AVIF, "image/avif", 1280, 720],
  ])("reads %s", (_name, file, contentType, width, height) => {
    expect(imageDimensions(file, contentType)).toEqual({ width, height });
  });

  it("accepts content type parameters and case", () => {
    expect(imageDimensions(PNG_1X1, "Image/PNG; charset=binary")).toEqual({ width: 1, height: 1 });
  });

  it("returns null for non-image types and mismatched signatures", () => {
    expect(imageDimensions(MP4, "video/mp4")).toBeNull();
    expect(imageDimensions(PNG_1X1, "image/jpeg")).toBeNull();
    expect(imageDimensions(JPEG_640X480, "image/png")).toBeNull();
    expect(imageDimensions(GIF_3X2, "image/svg+xml")).toBeNull();
  });

  describe("JPEG segment walk", () => {
    it("skips DHT before the frame header, fill bytes and RST markers", () => {
      const jpeg = bytes(
        [0xff, 0xd8],
        DHT,
        [0xff, 0xff, 0xff], // fill bytes before the next marker
        DQT,
        [0xff, 0xd0], // a stray standalone marker has no length
        SOF0,
      );
      expect(imageDimensions(jpeg, "image/jpeg")).toEqual({ width: 640, height: 480 });
    });

    it("reads progressive (SOF2) frame headers", () => {
      const sof2 = segment(0xc2, [8], u16(1080), u16(1920), [1, 1, 0x11, 0]);
      const jpeg = bytes([0xff, 0xd8], JFIF_APP0, sof2);
      expect(imageDimensions(jpeg, "image/jpeg")).toEqual({ width: 1920, height: 1080 });
    });

    it("skips a thumbnail's SOF inside an APP1 segment", () => {
      const thumb = bytes([0xff, 0xd8], segment(0xc0, [8], u16(60), u16(80), [1, 1, 0x11, 0]));
      const jpeg = bytes([0xff, 0xd8], segment(0xe1, "Exif\0\0", thumb), DQT, SOF0);
      expect(imageDimensions(jpeg, "image/jpeg")).toEqual({ width: 640, height: 480 });
    });

    it("returns null when the scan starts before any frame header", () => {
      const jpeg = bytes([0xff, 0xd8], JFIF_APP0, DQT, SOS, [0x00, 0xff, 0xd9]);
      expect(imageDimensions(jpeg, "image/jpeg")).toBeNull();
    });

    it("returns null for a segment length pointing beyond the buffer", () => {
      const jpeg = bytes([0xff, 0xd8], [0xff, 0xe1, 0xff, 0xf0], "Exif\0\0", new Uint8Array(20));
      expect(imageDimensions(jpeg, "image/jpeg")).toBeNull();
    });

    it("returns null for segment lengths below 2 and garbage between segments", () => {
      expect(
        imageDimensions(bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00], SOF0), "image/jpeg"),
      ).toBeNull();
      expect(
        imageDimensions(bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01], SOF0), "image/jpeg"),
      ).toBeNull();
      expect(
        imageDimensions(bytes([0xff, 0xd8], JFIF_APP0, [0x12], SOF0), "image/jpeg"),
      ).toBeNull();
    });

    it("returns null for a frame header that declares height 0 (DNL)", () => {
      const sof = segment(0xc0, [8], u16(0), u16(640), [1, 1, 0x11, 0]);
      expect(imageDimensions(bytes([0xff, 0xd8], sof), "image/jpeg")).toBeNull();
    });

    it("stops after a bounded number of segments", () => {
      // 40,000 empty COM segments: far past the cap, each one in bounds.
      const many = new Uint8Array(2 + 4 * 40_000);
      many.set([0xff, 0xd8]);
      for (let i = 2; i < many.length; i += 4) many.set([0xff, 0xfe, 0x00, 0x02], i);
      expect(imageDimensions(bytes(many, SOF0), "image/jpeg")).toBeNull();
    });
  });

  describe("AVIF box tree", () => {
    it("uses pitm/ipma with 16-bit associations", () => {
      expect(imageDimensions(avif({ ipmaFlags: 1 }), "image/avif")).toEqual({
        width: 1280,
        height: 720,
      });
    });

    it("falls back to the largest ispe without pitm", () => {
      expect(imageDimensions(avif({ pitm: false }), "image/avif")).toEqual({
        width: 4000,
        height: 3000,
      });
    });

    it("returns null without meta, iprp, ipco or ispe", () => {
      const ftyp = box("ftyp", "avif", u32(0), "mif1avif");
      expect(imageDimensions(ftyp, "image/avif")).toBeNull();
      expect(imageDimensions(bytes(ftyp, fullBox("meta", 0, 0)), "image/avif")).toBeNull();
      const noIspe = fullBox("meta", 0, 0, box("iprp", box("ipco", box("pixi", [0]))));
      expect(imageDimensions(bytes(ftyp, noIspe), "image/avif")).toBeNull();
    });

    it("survives corrupt box sizes (0, 1 with a huge largesize, smaller than a header)", () => {
      const ftyp = box("ftyp", "avif", u32(0), "mif1avif");
      const cases = [
        bytes(ftyp, u32(0), "meta", u32(0), u32(3), "iprp"),
        bytes(ftyp, u32(1), "meta", u32(0xffffffff), u32(0xffffffff), u32(0)),
        bytes(ftyp, u32(4), "meta", new Uint8Array(32)),
      ];
      for (const file of cases) expect(imageDimensions(file, "image/avif")).toBeNull();
      // A box claiming more than the buffer holds is read as truncated: what is there counts.
      const long = fullBox("meta", 0, 0, box("iprp", u32(0xffffffff), "ipco", ispe(2, 1)));
      expect(imageDimensions(bytes(ftyp, long), "image/avif")).toEqual({ width: 2, height: 1 });
    });

    it("ignores an ipma whose entry count lies", () => {
      const meta = fullBox(
        "meta",
        0,
        0,
        fullBox("pitm", 0, 0, u16(1)),
        box("iprp", box("ipco", ispe(640, 480)), fullBox("ipma", 0, 0, u32(0xffffffff), u16(9))),
      );
      const file = bytes(box("ftyp", "avif", u32(0), "avif"), meta);
      // No association for item 1 can be read, so the ispe fallback answers.
      expect(imageDimensions(file, "image/avif")).toEqual({ width: 640, height: 480 });
    });
  });

  it("returns null for WebP bitstreams with bad signatures", () => {
    const badVp8 = riff("WEBP", "VP8 ", u32le(10), [0x50, 0x02, 0x00, 0x00, 0x00, 0x00], u32(0));
    expect(imageDimensions(badVp8, "image/webp")).toBeNull();
    const badVp8l = riff("WEBP", "VP8L", u32le(5), [0x00, 0x2b, 0xc1, 0x31, 0x00]);
    expect(imageDimensions(badVp8l, "image/webp")).toBeNull();
  });

  it("returns null for a PNG whose first chunk is not IHDR, or of zero size", () => {
    const notIhdr = PNG_1X1.slice();
    notIhdr.set(bytes("IDAT"), 12);
    expect(imageDimensions(notIhdr, "image/png")).toBeNull();
    const zero = PNG_1X1.slice();
    zero.set(u32(0), 16);
    expect(imageDimensions(zero, "image/png")).toBeNull();
  });

  it("returns null for empty input", () => {
    for (const type of ["image/png", "image/gif", "image/jpeg", "image/webp", "image/avif"]) {
      expect(imageDimensions(new Uint8Array(0), type)).toBeNull();
    }
  });

  // Name, file, type, bytes needed before the size can be read.
  const fixtures: [string, Uint8Array, string, number][] = [
    ["PNG", PNG_1X1, "image/png", 24],
    ["GIF", GIF_3X2, "image/gif", 10],
    ["JPEG", JPEG_640X480, "image/jpeg", 2 + JFIF_APP0.length + DQT.length + 9],
    ["WebP VP8X", WEBP_VP8X, "image/webp", 30],
    ["WebP VP8L", WEBP_VP8L, "image/webp", 25],
    ["WebP VP8", WEBP_VP8, "image/webp", 30],
  ];

  it.each(fixtures)("returns null for %s cut before its size fields", (_n, file, type, need) => {
    for (let length = 0; length < need; length++) {
      expect(imageDimensions(file.subarray(0, length), type)).toBeNull();
    }
    expect(imageDimensions(file.subarray(0, need), type)).not.toBeNull();
  });

  it("never throws on truncated or mutated images", () => {
    const next = prng(42);
    const all: [Uint8Array, string][] = [
      ...fixtures.map(([, file, type]): [Uint8Array, string] => [file, type]),
      [AVIF, "image/avif"],
    ];
    for (const [file, type] of all) {
      for (let length = 0; length <= file.length; length++) {
        const result = imageDimensions(file.subarray(0, length), type);
        expect(result === null || (result.width > 0 && result.height > 0)).toBe(true);
      }
      for (let round = 0; round < 300; round++) {
        const mutated = file.slice();
        const flips = 1 + Math.floor(next() * 4);
        for (let f = 0; f < flips; f++) {
          mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
        }
        expect(() => imageDimensions(mutated, type)).not.toThrow();
        expect(() => sniffMedia(mutated)).not.toThrow();
      }
    }
  });

  it("returns null for random bytes", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const noise = randomBytes(seed, 4096);
      for (const type of ["image/png", "image/gif", "image/jpeg", "image/webp", "image/avif"]) {
        expect(imageDimensions(noise, type)).toBeNull();
      }
    }
  });
});

describe("looksLikeActiveContent", () => {
  it("flags a PNG signature followed by <script> in the first KB", () => {
    const text = "Comment\0<script>alert(1)</script>";
    // Signature and IHDR, then a tEXt chunk (CRC left zero: nothing here checks it).
    const polyglot = bytes(PNG_1X1.subarray(0, 33), u32(text.length), "tEXt", text, u32(0));
    expect(sniffMedia(polyglot)?.contentType).toBe("image/png");
    expect(looksLikeActiveContent(polyglot)).toBe(true);
  });

  it("flags a GIF with <script> in a comment extension", () => {
    const comment = "<SCRIPT>alert(document.domain)</SCRIPT>";
    const gif = bytes(
      GIF_HEADER,
      GIF_PALETTE,
      [0x21, 0xfe, comment.length],
      comment,
      [0],
      GIF_IMAGE,
    );
    expect(sniffMedia(gif)?.contentType).toBe("image/gif");
    expect(looksLikeActiveContent(gif)).toBe(true);
  });

  it("flags a JPEG with HTML in a COM segment", () => {
    const jpeg = bytes([0xff, 0xd8], segment(0xfe, "<img src=x onerror=alert(1)>"), DQT, SOF0);
    expect(looksLikeActiveContent(jpeg)).toBe(true);
    const link = bytes([0xff, 0xd8], segment(0xfe, '<a\ttarget=_top href="//evil">x</a>'), SOF0);
    expect(looksLikeActiveContent(link)).toBe(true);
  });

  it.each([
    ["doctype", "<!DOCTYPE html><p>hi"],
    ["html", "\n\n  <HTML>"],
    ["short tag at the start", "<p>hello"],
    ["bold at the start", "<b>x</b>"],
    ["anchor at the start", "<a\nhref=x>"],
    ["comment", "<!-- x -->"],
    ["xml declaration", '<?xml version="1.0"?><x/>'],
    ["svg after BOM", "\xef\xbb\xbf<svg onload=alert(1)>"],
    ["script after text", "hello <script src=//x></script>"],
    ["iframe after text", "xx <iframe/src=//evil>"],
    ["style after text", "xx <style>*{}</style>"],
    ["title after text", "xx <title>x</title>"],
    ["body after text", "xx <body onload=x>"],
  ])("flags HTML-like text: %s", (_name, text) => {
    expect(looksLikeActiveContent(bytes(text))).toBe(true);
  });

  it("flags UTF-16 HTML with a BOM", () => {
    const html = "<html><script>x</script>";
    const le = bytes(
      [0xff, 0xfe],
      [...html].flatMap((c) => [c.charCodeAt(0), 0]),
    );
    const be = bytes(
      [0xfe, 0xff],
      [...html].flatMap((c) => [0, c.charCodeAt(0)]),
    );
    expect(looksLikeActiveContent(le)).toBe(true);
    expect(looksLikeActiveContent(be)).toBe(true);
  });

  it("passes the clean fixtures", () => {
    const clean = [PNG_1X1, GIF_3X2, JPEG_640X480, WEBP_VP8X, WEBP_VP8L, AVIF, MP4, ebml("webm")];
    for (const file of [...clean, MP3_ID3, MP3_BARE, OGG, WAV, PDF]) {
      expect(looksLikeActiveContent(file)).toBe(false);
    }
  });

  it("ignores box sizes that read as '<' before a box name", () => {
    // A 60-byte (0x3C) ftyp, and a meta box whose size ends in 0x3C: `<ftyp`, `<meta\0`.
    const ftyp = box("ftyp", "isom", u32(0), "isomiso2avc1mp41mp42iso3iso4iso5iso6avc1mp41");
    expect(ftyp[3]).toBe(0x3c);
    expect(looksLikeActiveContent(bytes(ftyp, u32(0x13c), "meta", u32(0)))).toBe(false);
  });

  it("does not flag XMP metadata or short tags inside binary data", () => {
    const xmp =
      'http://ns.adobe.com/xap/1.0/\0<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><dc:title>x</dc:title></rdf:RDF>' +
      "</x:xmpmeta>";
    expect(looksLikeActiveContent(bytes([0xff, 0xd8], segment(0xe1, xmp), SOF0))).toBe(false);
    expect(looksLikeActiveContent(bytes([0xff, 0xd8], segment(0xfe, "a<b>c<p>"), SOF0))).toBe(
      false,
    );
  });

  it("only scans the first KB", () => {
    const late = bytes(PNG_1X1, new Uint8Array(1024), "<script>alert(1)</script>");
    expect(looksLikeActiveContent(late)).toBe(false);
  });

  it("does not flag text that merely starts with '<'", () => {
    expect(looksLikeActiveContent(bytes("<ggr9 not a tag"))).toBe(false);
    expect(looksLikeActiveContent(bytes("<3 you"))).toBe(false);
  });

  it("returns false for empty input and random bytes", () => {
    expect(looksLikeActiveContent(new Uint8Array(0))).toBe(false);
    for (let seed = 1; seed <= 200; seed++) {
      expect(looksLikeActiveContent(randomBytes(seed, 4096))).toBe(false);
    }
  });
});

describe("isSvg", () => {
  it("detects a bare <svg> root", () => {
    expect(isSvg(bytes('<svg xmlns="http://www.w3.org/2000/svg" width="1"/>'))).toBe(true);
    expect(isSvg(bytes("  \n<SVG>"))).toBe(true);
  });

  it("detects SVG after a BOM, an XML declaration, comments and a doctype", () => {
    const svg =
      '\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' +
      "<!-- Generator: Adobe Illustrator -->\n" +
      '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" ' +
      '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' +
      '<svg version="1.1" viewBox="0 0 10 10"><script>alert(1)</script></svg>';
    expect(isSvg(bytes(svg))).toBe(true);
    expect(sniffMedia(bytes(svg))).toBeNull();
  });

  it("detects prefixed and namespace-only SVG roots", () => {
    expect(
      isSvg(bytes('<?xml version="1.0"?><svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>')),
    ).toBe(true);
    expect(isSvg(bytes('<?xml version="1.0"?><s:x xmlns:s="http://www.w3.org/2000/svg"/>'))).toBe(
      true,
    );
  });

  it("detects UTF-16 SVG", () => {
    const text = '<?xml version="1.0" encoding="UTF-16"?><svg/>';
    const le = bytes(
      [0xff, 0xfe],
      [...text].flatMap((c) => [c.charCodeAt(0), 0]),
    );
    expect(isSvg(le)).toBe(true);
  });

  it("returns false for images, other markup, plain text and empty input", () => {
    expect(isSvg(PNG_1X1)).toBe(false);
    expect(isSvg(GIF_3X2)).toBe(false);
    expect(isSvg(bytes("<!DOCTYPE html><html><body><p>hi</p></body></html>"))).toBe(false);
    expect(isSvg(bytes('<?xml version="1.0"?><rss version="2.0"/>'))).toBe(false);
    expect(isSvg(bytes("hello <svg> world"))).toBe(false);
    expect(isSvg(bytes("<svgfoo/>"))).toBe(false);
    expect(isSvg(new Uint8Array(0))).toBe(false);
    expect(isSvg(randomBytes(3, 4096))).toBe(false);
  });

  it("flags HTML with inline SVG (refused either way)", () => {
    expect(isSvg(bytes("<html><body><svg><circle r=1></circle></svg>"))).toBe(true);
  });
});
