// The media library: log in as the demo user, upload a real PNG through the
// file input, see it listed with a loaded thumbnail, and fetch it from /media/.
import { deflateSync } from "node:zlib";

export const name = "Media library: upload an image and see its thumbnail";

export async function run({ page, origin, screenshot, expect, demo }) {
  const email = demo?.email ?? "demo@folio.example";
  const password = demo?.password ?? "folio-demo-password";
  const pub = demo?.publication ?? "dispatch";

  await page.goto(`${origin}/login`);
  await page.getByLabel(/^E-mail\b/).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname.startsWith("/admin")),
    page.getByLabel("Password", { exact: true }).press("Enter"),
  ]);

  const res = await page.goto(`${origin}/admin/${pub}/media`);
  expect(res?.status(), "media library status").toBe(200);
  await page.getByRole("heading", { level: 1, name: "Media" }).waitFor();
  // Hydrated: the uploader takes several files once JavaScript runs.
  await page.locator("#media-file[multiple]").waitFor({ state: "attached" });

  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const fileName = `e2e-sunrise-${stamp}.png`;
  await page.locator("#media-file").setInputFiles({
    name: fileName,
    mimeType: "image/png",
    buffer: gradientPng(320, 200, stamp),
  });

  // The per-file progress row reaches "Uploaded", then the grid shows the file.
  const row = page.locator(".upload", { hasText: fileName });
  await row.getByText("Uploaded", { exact: true }).waitFor();
  expect(await row.locator("progress").getAttribute("value"), "progress value").toBe(
    String(await row.locator("progress").getAttribute("max")),
  );
  const card = page.locator(".media-card", { hasText: fileName });
  await card.waitFor();
  const img = card.locator("img");
  expect(await img.getAttribute("width"), "thumbnail width attribute").toBe("320");
  expect(await img.getAttribute("height"), "thumbnail height attribute").toBe("200");
  expect(await img.getAttribute("loading"), "thumbnail loading attribute").toBe("lazy");
  await img.scrollIntoViewIfNeeded();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  expect(await img.evaluate((el) => el.naturalWidth), "decoded thumbnail width").toBe(320);

  const src = await img.getAttribute("src");
  expect(src, "thumbnail src").toMatch(/^\/media\/pub\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.png$/);
  const served = await page.request.get(`${origin}${src}`);
  expect(served.status(), "GET /media status").toBe(200);
  expect(served.headers()["content-type"], "served type").toBe("image/png");
  expect(served.headers()["cache-control"], "served caching").toContain("immutable");

  const markdown = await card.locator(".copy-markdown input").inputValue();
  expect(markdown, "markdown to paste").toBe(`![e2e-sunrise-${stamp}](${src})`);

  await page.getByLabel("Name starts with").fill("e2e-sunrise");
  await Promise.all([
    page.waitForURL((url) => url.searchParams.get("q") === "e2e-sunrise"),
    page.getByRole("button", { name: "Search" }).click(),
  ]);
  await page.locator(".media-card", { hasText: fileName }).waitFor();
  await page.goto(`${origin}/admin/${pub}/media`);
  await page.locator(".media-card", { hasText: fileName }).locator("img").waitFor();
  await page.waitForLoadState("networkidle");
  await screenshot("library");
}

// ---- a real, decodable PNG (RGB gradient), built with zlib ------------------------

function gradientPng(width, height, seed) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const i = row + 1 + x * 3;
      raw[i] = Math.round((x / width) * 255) ^ (hash & 0x0f);
      raw[i + 1] = Math.round((y / height) * 200) + 30;
      raw[i + 2] = 180 - Math.round((x / width) * 120);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
