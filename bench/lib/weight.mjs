// Page weight as a reader's browser fetches it: the HTML document, then every
// stylesheet and script it references, each compressed with node:zlib.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

function sizes(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 6 }).length,
    brotli: brotliCompressSync(buf, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

const attr = (tag, name) =>
  new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, "i")
    .exec(tag)
    ?.slice(2)
    .find((v) => v !== undefined);

/** Stylesheets, external scripts (incl. modulepreload) and inline scripts of an HTML page. */
export function resourcesOf(html) {
  const css = [];
  const js = [];
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = (attr(tag, "rel") ?? "").toLowerCase().split(/\s+/);
    const href = attr(tag, "href");
    if (!href) continue;
    if (rel.includes("stylesheet")) css.push(href);
    else if (
      rel.includes("modulepreload") ||
      (rel.includes("preload") && attr(tag, "as") === "script")
    )
      js.push(href);
  }
  let inlineScripts = 0;
  let inlineScriptBytes = 0;
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const src = attr(`<script ${m[1]}>`, "src");
    if (src) js.push(src);
    else if (!/type\s*=\s*["']?application\/(ld\+)?json/i.test(m[1]) && m[2].trim()) {
      inlineScripts++;
      inlineScriptBytes += Buffer.byteLength(m[2]);
    }
  }
  // Scripts imported by inline module scripts (Remix's entry) are fetched too.
  for (const m of html.matchAll(/import\s*(?:[^"']*from\s*)?["']([^"']+\.js)["']/g)) js.push(m[1]);
  return { css: [...new Set(css)], js: [...new Set(js)], inlineScripts, inlineScriptBytes };
}

export async function pageWeight(origin, path) {
  const res = await fetch(origin + path);
  const html = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  const found = resourcesOf(html.toString("utf8"));
  const files = [];
  for (const [kind, urls] of [
    ["css", found.css],
    ["js", found.js],
  ]) {
    for (const href of urls) {
      const url = new URL(href, origin + path);
      const r = await fetch(url);
      const body = Buffer.from(await r.arrayBuffer());
      files.push({ kind, url: url.pathname, status: r.status, ...sizes(body) });
    }
  }
  const sum = (list, key) => list.reduce((a, f) => a + f[key], 0);
  const htmlSizes = sizes(html);
  const css = files.filter((f) => f.kind === "css");
  const js = files.filter((f) => f.kind === "js");
  const total = (key) => htmlSizes[key] + sum(css, key) + sum(js, key);
  return {
    path,
    html: htmlSizes,
    css: {
      files: css.length,
      raw: sum(css, "raw"),
      gzip: sum(css, "gzip"),
      brotli: sum(css, "brotli"),
    },
    js: { files: js.length, raw: sum(js, "raw"), gzip: sum(js, "gzip"), brotli: sum(js, "brotli") },
    inlineScripts: found.inlineScripts,
    inlineScriptBytes: found.inlineScriptBytes,
    total: { raw: total("raw"), gzip: total("gzip"), brotli: total("brotli") },
    files,
  };
}
