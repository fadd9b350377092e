import { beforeAll, describe, expect, it } from "vitest";
import {
  asUser,
  call,
  createPublication,
  createUser,
  jsonRequest,
  ORIGIN,
  type TestPublication,
  type TestUser,
} from "../helpers";

// Reader pages (/@pub/...) through the real Worker: Remix SSR, read model, edge cache.

const TIME_ZONE = "Pacific/Kiritimati"; // UTC+14: the local date is often not the UTC date

let owner: TestUser;
let handle: string;
let pub: TestPublication;

interface Post {
  id: string;
  slug: string;
  version: number;
  title: string;
  published_at?: string;
}

const postsUrl = (p = pub) => `/api/v1/publications/${p.slug}/posts`;

async function draft(body: Record<string, unknown>, p = pub): Promise<Post> {
  const res = await call(
    postsUrl(p),
    jsonRequest("POST", { body_markdown: "Some text.", ...body }, asUser(owner)),
  );
  expect(res.status).toBe(201);
  return res.json<Post>();
}

async function publish(post: { id: string }, p = pub): Promise<Post> {
  const res = await call(`${postsUrl(p)}/${post.id}/publish`, {
    method: "POST",
    headers: asUser(owner),
  });
  expect(res.status).toBe(200);
  return res.json<Post>();
}

async function published(body: Record<string, unknown>, p = pub): Promise<Post> {
  return publish(await draft(body, p), p);
}

/** An anonymous reader's GET. */
const read = (path: string, init: RequestInit = {}) => call(path, init);

async function page(path: string): Promise<string> {
  const res = await read(path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/html");
  return res.text();
}

function jsonLd(html: string): Record<string, unknown> {
  const raw = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1];
  expect(raw, "JSON-LD block").toBeTruthy();
  return JSON.parse(raw!);
}

const attr = (html: string, pattern: RegExp) => pattern.exec(html)?.[1];

beforeAll(async () => {
  owner = await createUser("reader");
  const me = await call("/api/v1/me", { headers: { cookie: owner.cookie } });
  handle = (await me.json<{ handle: string }>()).handle;
  pub = await createPublication(owner, {
    name: "The Reader Test",
    description: "Stories for the reader tests.",
    timezone: TIME_ZONE,
  });
});

describe("reader routes", () => {
  it("reaches /@pub through the $pub route; other first segments are not publications", async () => {
    expect((await read(`/@${pub.slug}`)).status).toBe(200);
    const plain = await read(`/${pub.slug}`);
    expect(plain.status).toBe(404);
    expect(await plain.text()).toContain("Page not found");
    expect((await read("/@no-such-publication")).status).toBe(404);
    expect((await read("/@no-such-publication/some-post")).status).toBe(404);
  });

  it("leaves static routes to their own pages", async () => {
    const login = await read("/login");
    expect(login.status).toBe(200);
    expect(await login.text()).not.toContain("Page not found");
    for (const path of ["/account", "/admin", "/signup"]) {
      expect((await read(path)).status, path).not.toBe(404);
    }
  });

  it("redirects a publication slug in capitals to its lower-case address", async () => {
    const res = await read(`/@${pub.slug.toUpperCase()}/search?q=x`, { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(`/@${pub.slug}/search?q=x`);
  });
});

describe("publication home", () => {
  it("lists published posts, never a draft, with the date in the publication's zone", async () => {
    const live = await published({
      title: "A published story",
      excerpt: "The excerpt of the published story.",
      tags: ["Field Notes"],
    });
    await draft({ title: "A secret draft", tags: ["Unreleased Thing"] });
    const html = await page(`/@${pub.slug}`);
    expect(html).toContain("<h1>The Reader Test</h1>");
    expect(html).toContain("Stories for the reader tests.");
    expect(html).toContain(`href="/@${pub.slug}/${live.slug}"`);
    expect(html).toContain("The excerpt of the published story.");
    expect(html).toContain(`href="/@${pub.slug}/author/${handle}"`);
    expect(html).toContain(`href="/@${pub.slug}/tag/field-notes"`);
    expect(html).toContain(`href="/@${pub.slug}/feed.xml"`);
    expect(html).toMatch(/\d+ min read/);
    const expected = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: TIME_ZONE });
    expect(html).toContain(expected.format(new Date(live.published_at!)));
    expect(html).not.toContain("A secret draft");
    expect(html).not.toContain("Unreleased Thing");
    // Landmarks, no client JavaScript, nothing per-request (the page is shared by all readers).
    for (const tag of ["<header", "<nav", '<main id="main"', "<footer"])
      expect(html).toContain(tag);
    expect(html).toContain("Published with");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toContain("nonce=");
    expect(html).toMatch(/<link rel="stylesheet" href="[^"]*reader[^"]*\.css"/);
  });

  it("paginates with keyset cursors; a bad cursor is a 404", async () => {
    const other = await createPublication(owner, { name: "Many Posts" });
    for (let i = 1; i <= 11; i++) await published({ title: `Numbered post ${i}` }, other);
    const first = await page(`/@${other.slug}`);
    expect(first).toContain("Numbered post 11");
    expect(first).not.toContain("Numbered post 1<");
    const next = attr(first, /href="(\/@[^"]+\?cursor=[^"]+)" rel="next"/);
    expect(next).toBeTruthy();
    const second = await page(next!.replaceAll("&amp;", "&"));
    expect(second).toContain("Numbered post 1<");
    expect(second).not.toContain("Numbered post 11");
    expect(second).not.toContain('rel="next"');
    expect((await read(`/@${other.slug}?cursor=not-a-cursor`)).status).toBe(404);
  }, 30_000);
});

describe("post page", () => {
  it("renders the post with canonical, Open Graph, Twitter and JSON-LD metadata", async () => {
    const post = await published({
      title: "Metadata </script><script>alert(1)</script> & more",
      excerpt: "What this post is about.",
      body_markdown:
        "Opening paragraph.\n\n## Part one\n\nA `code` span and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
      tags: ["Meta"],
    });
    const html = await page(`/@${pub.slug}/${post.slug}`);
    const url = `${ORIGIN}/@${pub.slug}/${post.slug}`;
    expect(html).toContain(`<link rel="canonical" href="${url}"/>`);
    expect(html).toMatch(/<meta property="og:title" content="Metadata &lt;\/script&gt;/);
    expect(html).toContain('<meta property="og:type" content="article"/>');
    expect(html).toContain(`<meta property="og:url" content="${url}"/>`);
    expect(html).toContain('<meta name="description" content="What this post is about."/>');
    expect(html).toContain('<meta name="twitter:card" content="summary"/>');
    expect(html).toContain(
      `<meta property="article:published_time" content="${post.published_at}"/>`,
    );
    expect(html).toContain(`href="${ORIGIN}/@${pub.slug}/feed.xml"`);
    expect(html).toContain(`href="${url}.md"`);
    // JSON-LD: data, with `<` escaped so the title cannot end the script element.
    expect(html).toContain("\\u003c/script\\u003e");
    expect(html.match(/<script/g)).toHaveLength(1);
    const ld = jsonLd(html);
    expect(ld).toMatchObject({
      "@context": "https://schema.org",
      "@type": "Article",
      headline: post.title,
      datePublished: post.published_at,
      author: { "@type": "Person", url: `${ORIGIN}/@${pub.slug}/author/${handle}` },
      publisher: { "@type": "Organization", name: "The Reader Test" },
      mainEntityOfPage: { "@id": url },
    });
    // The body: sanitized HTML inside <article>, no client JavaScript.
    expect(html).toMatch(/<article[^>]*>[\s\S]*<h2 id="part-one"[\s\S]*<\/article>/);
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<table>");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toContain("nonce=");
    expect(html).toContain(`href="/@${pub.slug}/tag/meta"`);
  });

  it("answers 301 from an old slug after the slug changes and the post is re-published", async () => {
    const post = await published({ title: "Before the rename" });
    const patch = await call(
      `${postsUrl()}/${post.id}`,
      jsonRequest(
        "PATCH",
        { slug: "after-the-rename" },
        asUser(owner, { "if-match": `"${post.version}"` }),
      ),
    );
    expect(patch.status).toBe(200);
    await publish(post);
    const old = await read(`/@${pub.slug}/${post.slug}`, { redirect: "manual" });
    expect(old.status).toBe(301);
    expect(old.headers.get("location")).toBe(`/@${pub.slug}/after-the-rename`);
    expect(await page(`/@${pub.slug}/after-the-rename`)).toContain("Before the rename");
  });

  it("shows the friendly 404 page for an unknown slug", async () => {
    const res = await read(`/@${pub.slug}/no-such-post`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("Page not found");
    expect(html).not.toMatch(/at \w+ \(|stack/i);
    // Inside a known publication the error page keeps its chrome and leads back home.
    expect(html).toContain("<title>Page not found — The Reader Test</title>");
    expect(html).toContain(`href="/@${pub.slug}"`);
    // 404s are cached briefly too: nothing per-request, no scripts.
    expect(html).not.toContain("nonce=");
    expect(html).not.toContain("<script");
  });
});

describe("tag and author pages", () => {
  it("list the posts of a tag and of an author, with their feeds", async () => {
    const post = await published({ title: "Tagged and authored", tags: ["Deep Dives"] });
    const tag = await page(`/@${pub.slug}/tag/deep-dives`);
    expect(tag).toContain("<h1>Deep Dives</h1>");
    expect(tag).toContain(`href="/@${pub.slug}/${post.slug}"`);
    expect(tag).toContain(`href="${ORIGIN}/@${pub.slug}/tag/deep-dives/feed.xml"`);
    const author = await page(`/@${pub.slug}/author/${handle}`);
    expect(author).toContain("<h1>Test reader</h1>");
    expect(author).toContain(`href="/@${pub.slug}/${post.slug}"`);
    expect(author).toContain(`href="${ORIGIN}/@${pub.slug}/author/${handle}/feed.xml"`);
    const tags = await page(`/@${pub.slug}/tags`);
    expect(tags).toContain(`href="/@${pub.slug}/tag/deep-dives"`);
  });

  it("does not reveal a tag only drafts use, or unknown tags and authors", async () => {
    await draft({ title: "Draft with a private tag", tags: ["Embargoed Launch"] });
    expect((await read(`/@${pub.slug}/tag/embargoed-launch`)).status).toBe(404);
    expect((await read(`/@${pub.slug}/tag/nothing-here`)).status).toBe(404);
    expect((await read(`/@${pub.slug}/author/nobody-at-all`)).status).toBe(404);
    expect(await page(`/@${pub.slug}/tags`)).not.toContain("Embargoed");
  });
});

describe("search", () => {
  it("shows only the form for an empty query", async () => {
    const html = await page(`/@${pub.slug}/search`);
    expect(html).toMatch(/<form[^>]+method="get"[^>]+action="\/@[^"]+\/search"/);
    expect(html).toContain('name="q"');
    expect(html).not.toContain("results for");
  });

  it("finds a word from a post's body and highlights it", async () => {
    const post = await published({
      title: "Search target",
      body_markdown: "The quick brown zeppelinology fox jumps over the lazy dog.",
    });
    const html = await page(`/@${pub.slug}/search?q=zeppelinology`);
    expect(html).toContain(`href="/@${pub.slug}/${post.slug}"`);
    expect(html).toContain("<mark>zeppelinology</mark>");
    expect(html).toContain('value="zeppelinology"');
    expect(html).toContain("1 result for");
  });

  it("answers every input, FTS5 syntax included, with a normal page", async () => {
    const inputs = [
      '"',
      '"unclosed phrase',
      "*",
      "zeppelin*",
      "AND(",
      "NEAR/",
      "NEAR(a b, 3)",
      "-",
      "-zeppelinology",
      "title:x",
      "^start",
      "a OR",
      "NOT",
      "(((",
      "')--",
      "<script>alert(1)</script>",
      "\u0002\u0003",
      "x".repeat(150),
      "🙂 ünïcödé",
    ];
    for (const q of inputs) {
      const res = await read(`/@${pub.slug}/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      const html = await res.text();
      expect(html, q).toContain("<h1>Search</h1>");
      expect(html, q).not.toContain("<script>alert(1)</script>");
    }
  });
});

describe("over-long addresses", () => {
  // Any anonymous reader can send these. The edge cache builds its KV key from
  // the path and query, and KV keys are at most 512 bytes: the page must still
  // answer normally (200 for a search, 404 for a page that does not exist).
  it("answers a very long search query with a normal page", async () => {
    const res = await read(`/@${pub.slug}/search?q=${"x".repeat(600)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<h1>Search</h1>");
  });

  it("answers a very long slug or cursor with the 404 page", async () => {
    expect((await read(`/@${pub.slug}/${"a".repeat(600)}`)).status).toBe(404);
    expect((await read(`/@${pub.slug}?cursor=${"A".repeat(600)}`)).status).toBe(404);
  });
});

describe("edge cache and privacy", () => {
  it("serves the second anonymous read of a post from the cache", async () => {
    const post = await published({ title: "Cached story" });
    const path = `/@${pub.slug}/${post.slug}`;
    const first = await read(path);
    expect(first.status).toBe(200);
    await first.text();
    const second = await read(path);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.headers.get("cache-control")).toContain("public");
    expect(await second.text()).toContain("Cached story");
  });

  it("takes an unpublished post off the site at once, cache or not", async () => {
    const post = await published({ title: "Soon gone" });
    const path = `/@${pub.slug}/${post.slug}`;
    await (await read(path)).text();
    expect((await read(path)).status).toBe(200);
    const un = await call(`${postsUrl()}/${post.id}/unpublish`, {
      method: "POST",
      headers: asUser(owner),
    });
    expect(un.status).toBe(200);
    const gone = await read(path);
    expect(gone.status).toBe(404);
    expect(await gone.text()).not.toContain("Soon gone");
  });

  it("never caches a signed-in reader's page", async () => {
    const post = await published({ title: "Read while signed in" });
    const res = await read(`/@${pub.slug}/${post.slug}`, { headers: { cookie: owner.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("x-cache")).toBeNull();
  });
});
