/**
 * Markdown -> safe HTML for posts, plus the plain text, outline and reading time
 * derived from the same parse. Pure TypeScript over markdown-it: no DOM, no Node APIs,
 * so it runs unchanged in the Worker, in Remix loaders and in tests.
 *
 * Safety model: markdown-it never passes raw HTML through (`html: false`), every URL
 * goes through one allowlist at parse time AND again at render time, and the only
 * iframe that can come out is built here from a strictly validated video id.
 */
import MarkdownIt, { type MarkdownIt as Parser, type Token } from "markdown-it";

export interface MarkdownHeading {
  level: number;
  id: string;
  text: string;
}

export interface RenderedMarkdown {
  /** Safe for direct insertion in a page. */
  html: string;
  /** Plain text, whitespace collapsed. NOT escaped: escape it before putting it in HTML. */
  text: string;
  headings: MarkdownHeading[];
  wordCount: number;
  readingMinutes: number;
}

const WORDS_PER_MINUTE = 230;
const LINK_SCHEMES: ReadonlySet<string> = new Set(["http", "https", "mailto"]);
const IMAGE_SCHEMES: ReadonlySet<string> = new Set(["http", "https"]);
const EXTERNAL_REL = "noopener noreferrer nofollow";
const EMBED_SANDBOX = "allow-scripts allow-same-origin allow-presentation";

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

// ---------------------------------------------------------------------------
// URL policy

/** Browsers drop these anywhere in a URL (or they hide a scheme from a naive check). */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\s]/gu;

/** The scheme a browser would see: null when relative, "//" when protocol-relative. */
function schemeOf(url: string): string | null {
  const s = url.replace(INVISIBLE, "").replace(/\\/g, "/").toLowerCase();
  if (s.startsWith("//")) return "//";
  const match = /^([^:/?#]*):/.exec(s);
  return match ? (match[1] ?? "") : null;
}

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/**
 * "relative" or "absolute" when the URL is allowed, null when not. The percent-decoded
 * form must pass too, so `%6Aavascript:` is refused even though browsers would not run it
 * (feed readers and mail clients sometimes decode before they link).
 */
function checkUrl(url: string, schemes: ReadonlySet<string>): "relative" | "absolute" | null {
  const raw = schemeOf(url);
  for (const scheme of [raw, schemeOf(safeDecode(url))]) {
    if (scheme !== null && scheme !== "//" && !schemes.has(scheme)) return null;
  }
  return raw === null ? "relative" : "absolute";
}

// ---------------------------------------------------------------------------
// Embeds (YouTube, Vimeo)

interface Embed {
  provider: "youtube" | "vimeo";
  id: string;
}

const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
const VIMEO_ID = /^[0-9]{1,12}$/;
const YOUTUBE_HOSTS = new Set(["youtube.com", "www.youtube.com", "m.youtube.com"]);
const YOUTUBE_PATHS = new Set(["embed", "shorts", "live"]);
const VIMEO_HOSTS = new Set(["vimeo.com", "www.vimeo.com"]);

function youtubeId(url: URL): string | null {
  const parts = url.pathname.split("/").filter(Boolean);
  if (url.hostname === "youtu.be") return parts.length === 1 ? (parts[0] ?? null) : null;
  if (!YOUTUBE_HOSTS.has(url.hostname)) return null;
  if (parts.length === 1 && parts[0] === "watch") return url.searchParams.get("v");
  if (parts.length === 2 && YOUTUBE_PATHS.has(parts[0] ?? "")) return parts[1] ?? null;
  return null;
}

function vimeoId(url: URL): string | null {
  const parts = url.pathname.split("/").filter(Boolean);
  if (VIMEO_HOSTS.has(url.hostname)) return parts.length === 1 ? (parts[0] ?? null) : null;
  if (url.hostname === "player.vimeo.com" && parts.length === 2 && parts[0] === "video") {
    return parts[1] ?? null;
  }
  return null;
}

/** Exact hosts and strict ids only: a lookalike host or odd id stays an ordinary link. */
function parseEmbed(source: string): Embed | null {
  // The URL parser silently drops tabs and newlines; insist on one clean token.
  if (!/^https?:\/\/\S+$/i.test(source)) return null;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return null;
  }
  if (url.username || url.password || url.port) return null;
  const yt = youtubeId(url);
  if (yt !== null && YOUTUBE_ID.test(yt)) return { provider: "youtube", id: yt };
  const vimeo = vimeoId(url);
  if (vimeo !== null && VIMEO_ID.test(vimeo)) return { provider: "vimeo", id: vimeo };
  return null;
}

function embedHtml(embed: Embed): string {
  const { src, title } =
    embed.provider === "youtube"
      ? { src: `https://www.youtube-nocookie.com/embed/${embed.id}`, title: "YouTube video" }
      : { src: `https://player.vimeo.com/video/${embed.id}?dnt=1`, title: "Vimeo video" };
  return (
    `<div class="embed embed-${embed.provider}"><iframe src="${escapeHtml(src)}"` +
    ` title="${title}" loading="lazy" allowfullscreen sandbox="${EMBED_SANDBOX}"` +
    ` referrerpolicy="strict-origin-when-cross-origin"` +
    ` allow="encrypted-media; picture-in-picture; fullscreen"></iframe></div>\n`
  );
}

/** A paragraph holding nothing but a video URL becomes one `embed` token. */
function applyEmbeds(tokens: Token[]): void {
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [open, inline, close] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (open?.type !== "paragraph_open" || inline?.type !== "inline") continue;
    if (close?.type !== "paragraph_close") continue;
    const embed = parseEmbed(inline.content.trim());
    if (!embed) continue;
    open.type = "embed";
    open.tag = "";
    open.nesting = 0;
    open.meta = { embed };
    tokens.splice(i + 1, 2);
  }
}

// ---------------------------------------------------------------------------
// Text, headings

function inlineText(children: Token[] | null): string {
  let out = "";
  for (const child of children ?? []) {
    if (child.type === "text" || child.type === "code_inline") out += child.content;
    else if (child.type === "softbreak" || child.type === "hardbreak") out += " ";
    else if (child.type === "image") out += inlineText(child.children);
  }
  return out;
}

function collapseWhitespace(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

function plainText(tokens: Token[]): string {
  const parts: string[] = [];
  for (const token of tokens) {
    if (token.type === "inline") parts.push(inlineText(token.children));
    else if (token.type === "fence" || token.type === "code_block") parts.push(token.content);
  }
  return collapseWhitespace(parts.join(" "));
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

/** Gives every heading a stable, unique id; heading_close carries it for the anchor link. */
function assignHeadingIds(tokens: Token[]): MarkdownHeading[] {
  const headings: MarkdownHeading[] = [];
  const used = new Set<string>();
  tokens.forEach((token, i) => {
    if (token.type !== "heading_open") return;
    const text = collapseWhitespace(inlineText(tokens[i + 1]?.children ?? null));
    const id = uniqueId(slugify(text) || "section", used);
    token.attrSet("id", id);
    // markdown-it always emits heading_open, inline, heading_close.
    const close = tokens[i + 2];
    if (close?.type === "heading_close") close.meta = { anchorId: id };
    headings.push({ level: Number(token.tag.slice(1)), id, text });
  });
  return headings;
}

// Han and kana are written without spaces: each character counts as a word.
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

function countWords(text: string): number {
  const cjk = text.match(CJK_CHAR)?.length ?? 0;
  const words = text
    .replace(CJK_CHAR, " ")
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  return cjk + words;
}

// ---------------------------------------------------------------------------
// markdown-it setup

function fenceLanguage(info: string): string {
  const first = info.trim().split(/\s+/)[0] ?? "";
  return first
    .toLowerCase()
    .replace(/[^a-z0-9+#-]/g, "")
    .slice(0, 32);
}

function createParser(): Parser {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: true });
  // Bare words like README.md must not turn into links to a Moldovan domain.
  md.linkify.set({ fuzzyLink: false });
  // Parse-time gate: a refused destination leaves the Markdown as literal text.
  md.validateLink = (url) => checkUrl(url, LINK_SCHEMES) !== null;

  const rules = md.renderer.rules;
  const defaultImage = rules.image;

  rules.link_open = (tokens, idx, options, _env, self) => {
    const token = tokens[idx]!;
    const kind = checkUrl(String(token.attrGet("href") ?? ""), LINK_SCHEMES);
    // Render-time gate (defense in depth): an <a> without href is inert.
    if (kind === null) token.attrs = (token.attrs ?? []).filter(([name]) => name !== "href");
    else if (kind === "absolute") token.attrSet("rel", EXTERNAL_REL);
    return self.renderToken(tokens, idx, options);
  };

  rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    if (!defaultImage || checkUrl(String(token.attrGet("src") ?? ""), IMAGE_SCHEMES) === null) {
      return escapeHtml(inlineText(token.children));
    }
    token.attrSet("loading", "lazy");
    token.attrSet("decoding", "async");
    return defaultImage(tokens, idx, options, env, self);
  };

  rules.fence = (tokens, idx) => {
    const token = tokens[idx]!;
    const lang = fenceLanguage(token.info);
    const cls = lang ? ` class="language-${lang}"` : "";
    return `<pre><code${cls}>${escapeHtml(token.content)}</code></pre>\n`;
  };

  rules.heading_close = (tokens, idx, options, _env, self) => {
    const id = tokens[idx]?.meta?.anchorId;
    const anchor =
      typeof id === "string"
        ? ` <a class="heading-anchor" href="#${escapeHtml(id)}"` +
          ` aria-label="Link to this section">#</a>`
        : "";
    return anchor + self.renderToken(tokens, idx, options);
  };

  rules.embed = (tokens, idx) => {
    const embed = tokens[idx]?.meta?.embed as Embed | undefined;
    return embed ? embedHtml(embed) : "";
  };

  // html: false means these never occur; if they ever do, they are text.
  rules.html_block = (tokens, idx) => escapeHtml(tokens[idx]?.content ?? "");
  rules.html_inline = (tokens, idx) => escapeHtml(tokens[idx]?.content ?? "");
  return md;
}

const md = createParser();

export function renderMarkdown(markdown: string): RenderedMarkdown {
  const env = {};
  const tokens = md.parse(markdown, env);
  applyEmbeds(tokens);
  const headings = assignHeadingIds(tokens);
  const text = plainText(tokens);
  const wordCount = countWords(text);
  return {
    html: md.renderer.render(tokens, md.options, env),
    text,
    headings,
    wordCount,
    readingMinutes: Math.max(1, Math.ceil(wordCount / WORDS_PER_MINUTE)),
  };
}

// ---------------------------------------------------------------------------
// Text helpers

/** Cuts at a word boundary; the result, ellipsis included, is at most maxChars long. */
export function excerptFrom(text: string, maxChars = 200): string {
  const clean = collapseWhitespace(text);
  if (clean.length <= maxChars) return clean;
  const budget = Math.max(0, maxChars - 1);
  const head = clean.slice(0, budget + 1);
  const space = head.lastIndexOf(" ");
  let cut = space > 0 ? head.slice(0, space) : clean.slice(0, budget);
  // Never leave half of a surrogate pair (emoji) behind.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.replace(/[\s,;:.\-–—([{"'“‘]+$/u, "")}…`;
}

// Letters NFKD does not decompose into ASCII.
const TRANSLITERATIONS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  đ: "d",
  ð: "d",
  þ: "th",
  ł: "l",
  ı: "i",
  ħ: "h",
};

function truncateSlug(slug: string, maxLength: number): string {
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength);
  // Prefer ending on a whole word, unless that throws away more than half.
  const boundary = slug[maxLength] === "-" ? maxLength : cut.lastIndexOf("-");
  const kept = boundary >= maxLength / 2 ? cut.slice(0, boundary) : cut;
  return kept.replace(/-+$/, "");
}

/** ASCII slug ([a-z0-9-]); "" when nothing usable is left, callers choose the fallback. */
export function slugify(input: string, maxLength = 80): string {
  const ascii = input
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[ßæœøđðþłıħ]/g, (c) => TRANSLITERATIONS[c] ?? c)
    .replace(/['’]/g, "");
  const slug = ascii.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return truncateSlug(slug, Math.max(0, Math.floor(maxLength)));
}
