import { describe, expect, it } from "vitest";
import { escapeHtml, excerptFrom, renderMarkdown, slugify } from "../../worker/lib/markdown";

const YT_ID = "dQw4w9WgXcQ";
const ALLOWED_IFRAME =
  /^https:\/\/(www\.youtube-nocookie\.com\/embed\/|player\.vimeo\.com\/video\/)/;

function html(markdown: string): string {
  return renderMarkdown(markdown).html;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

interface Tag {
  name: string;
  attrs: [name: string, value: string][];
}

/**
 * Tags and attributes as a browser would read them. A quoted value is consumed whole, so
 * escaped text such as title="&quot; onerror=..." is not mistaken for an attribute, while
 * an unquoted injected handler would show up as its own attribute name.
 */
function parseTags(out: string): Tag[] {
  return [...out.matchAll(/<([a-z][a-z0-9]*)([^>]*)>/gi)].map((m) => ({
    name: (m[1] ?? "").toLowerCase(),
    attrs: [...(m[2] ?? "").matchAll(/([^\s"'=/]+)(?:="([^"]*)")?/g)].map((a): [string, string] => [
      (a[1] ?? "").toLowerCase(),
      decodeEntities(a[2] ?? ""),
    ]),
  }));
}

function attributeValues(out: string, name: string): string[] {
  return parseTags(out).flatMap((tag) =>
    tag.attrs.filter(([attr]) => attr === name).map(([, value]) => value),
  );
}

/** What a lenient consumer could take as the scheme: invisibles dropped, %XX decoded. */
function looseScheme(url: string): string {
  let s = url;
  try {
    s = decodeURIComponent(s);
  } catch {
    // keep raw
  }
  return /^([a-z][a-z0-9+.-]*):/i.exec(s.replace(/[\p{Cc}\p{Cf}\p{Z}\s]/gu, ""))?.[1] ?? "";
}

function expectSafe(out: string): void {
  expect(out).not.toMatch(/<script/i);
  expect(out).not.toMatch(/<(object|embed|style|svg|math|form|base|meta|link)\b/i);
  const names = parseTags(out).flatMap((tag) => tag.attrs.map(([name]) => name));
  // Escaped text such as &lt;img onerror=...&gt; is fine; a real handler attribute is not.
  expect(names.filter((name) => /^on/.test(name))).toEqual([]);
  expect(names).not.toContain("srcdoc");
  expect(names).not.toContain("formaction");
  for (const style of attributeValues(out, "style")) {
    expect(style).toMatch(/^text-align:(left|right|center)$/);
  }
  for (const url of [...attributeValues(out, "href"), ...attributeValues(out, "src")]) {
    expect(["", "http", "https", "mailto"]).toContain(looseScheme(url).toLowerCase());
  }
  for (const src of attributeValues(out, "src")) {
    expect(looseScheme(src).toLowerCase()).not.toBe("mailto");
  }
  const iframes = out.match(/<iframe\b[^>]*>/gi) ?? [];
  for (const tag of iframes) {
    expect(attributeValues(tag, "src")[0]).toMatch(ALLOWED_IFRAME);
  }
}

describe("renderMarkdown: XSS", () => {
  const attacks: [string, string][] = [
    ["script tag", "<script>alert(1)</script>"],
    ["script block between paragraphs", "a\n\n<script>\nalert(1)\n</script>\n\nb"],
    ["img onerror", "<img src=x onerror=alert(1)>"],
    ["inline html in text", "Hello <b onmouseover=alert(1)>there</b>"],
    ["svg onload", "<svg onload=alert(1)>"],
    ["raw iframe", '<iframe src="https://evil.example/"></iframe>'],
    ["raw youtube iframe", `<iframe src="https://www.youtube.com/embed/${YT_ID}"></iframe>`],
    ["javascript link", "[x](javascript:alert(1))"],
    ["mixed-case scheme", "[x](JaVaScRiPt:alert(1))"],
    ["tab entity in scheme", "[x](java&#x09;script:alert(1))"],
    ["newline entity in scheme", "[x](java&#10;script:alert(1))"],
    ["decimal entity for first letter", "[x](&#106;avascript:alert(1))"],
    ["named entity colon", "[x](javascript&colon;alert(1))"],
    ["percent-encoded scheme", "[x](%6Aavascript:alert(1))"],
    ["zero-width space in scheme", "[x](<java\u200bscript:alert(1)>)"],
    ["leading spaces", "[x](<  javascript:alert(1)>)"],
    ["autolink", "<javascript:alert(1)>"],
    ["reference definition", "[x][evil]\n\n[evil]: javascript:alert(1)"],
    ["vbscript", "[x](vbscript:msgbox(1))"],
    ["file", "[x](file:///etc/passwd)"],
    ["data html link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"],
    ["data html image", "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"],
    ["data png image", "![x](data:image/png;base64,iVBORw0KGgo=)"],
    ["data svg image", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"],
    ["javascript image", "![x](javascript:alert(1))"],
    ["mailto image", "![x](mailto:a@example.com)"],
    ["link title breakout", '[x](/a "\\"><script>alert(1)</script>")'],
    ["link title quote", "[x](/a '\" onmouseover=\"alert(1)')"],
    ["image alt breakout", '![" onerror="alert(1)"><script>alert(1)</script>](/a.png)'],
    ["image title breakout", '![x](/a.png "\\" onerror=\\"alert(1)")'],
    ["fence language breakout", '```"><script>alert(1)</script>\ncode\n```'],
    ["fence language attribute", "```js onmouseover=alert(1)\ncode\n```"],
    ["linkified bare javascript", "go javascript:alert(1) now"],
    ["embed id breakout", `https://www.youtube.com/watch?v=${YT_ID}"><script>alert(1)</script>`],
    ["embed lookalike", `https://youtube.com.evil.example/watch?v=${YT_ID}`],
    ["heading with html", '# <img src=x onerror=alert(1)> "><script>'],
    ["table cell html", "| a |\n|---|\n| <script>alert(1)</script> |"],
    ["nested emphasis link", "**[x](javascript:alert(1))**"],
    ["link inside image alt", "![[x](javascript:alert(1))](/a.png)"],
  ];

  it.each(attacks)("%s", (_name, markdown) => {
    expectSafe(html(markdown));
  });

  it("has a safety check that catches what it should", () => {
    const bad = [
      "<p><script>x</script></p>",
      '<img src="/a.png" onerror="x">',
      "<img src=/a.png onerror=x>",
      '<a href="java&#x09;script:x">x</a>',
      '<a href=" JaVaScRiPt:x">x</a>',
      '<a href="%6Aavascript:x">x</a>',
      '<img src="data:image/png;base64,AAAA">',
      '<iframe src="https://evil.example/"></iframe>',
      '<div style="background:url(x)">',
    ];
    for (const out of bad) expect(() => expectSafe(out)).toThrow();
  });

  it("escapes raw HTML instead of passing it through", () => {
    expect(html("<script>alert(1)</script>")).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html("<img src=x onerror=alert(1)>")).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html('<iframe src="https://evil.example/"></iframe>')).not.toContain("<iframe");
  });

  it("leaves refused links as visible text, with no anchor", () => {
    for (const md of ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](vbscript:x)"]) {
      const out = html(md);
      expect(out).not.toContain("<a");
      expect(out).toContain("[x](");
    }
    expect(html("[x](java&#x09;script:alert(1))")).not.toContain("<a");
    expect(html("[x](&#106;avascript:alert(1))")).not.toContain("<a");
  });

  it("drops refused images but keeps their alt text", () => {
    const out = html("![a chart](data:image/png;base64,iVBORw0KGgo=)");
    expect(out).not.toContain("<img");
    expect(out).toContain("a chart");
  });

  it("escapes quotes in titles and alt text", () => {
    expect(html('[x](/a "say \\"hi\\"")')).toContain('title="say &quot;hi&quot;"');
    expect(html('![5" tall](/a.png)')).toContain('alt="5&quot; tall"');
  });

  it("sanitizes fence languages to [a-z0-9+#-]", () => {
    expect(html('```"><script>alert(1)</script>\nx\n```')).toContain(
      '<code class="language-script',
    );
    expect(html("```C++\nx\n```")).toContain('<code class="language-c++">');
    expect(html("```c#\nx\n```")).toContain('<code class="language-c#">');
    expect(html("```TypeScript {1,3}\nx\n```")).toContain('<code class="language-typescript">');
    expect(html('```"\nx\n```')).toContain("<pre><code>x\n</code></pre>");
  });
});

describe("renderMarkdown: links and images", () => {
  it("marks absolute links external and leaves relative ones alone", () => {
    expect(html("[a](https://example.com/x)")).toContain(
      '<a href="https://example.com/x" rel="noopener noreferrer nofollow">a</a>',
    );
    expect(html("[a](//example.com/x)")).toContain('rel="noopener noreferrer nofollow"');
    expect(html("[a](/about)")).toContain('<a href="/about">a</a>');
    expect(html("[a](../up)")).toContain('<a href="../up">a</a>');
    expect(html("[a](#notes)")).toContain('<a href="#notes">a</a>');
    expect(html("[a](mailto:me@example.com)")).toContain('href="mailto:me@example.com"');
  });

  it("linkifies bare URLs with a scheme, not file names", () => {
    expect(html("see https://example.com/a now")).toContain(
      '<a href="https://example.com/a" rel="noopener noreferrer nofollow">' +
        "https://example.com/a</a>",
    );
    expect(html("see README.md")).not.toContain("<a");
  });

  it("loads images lazily and asynchronously", () => {
    const out = html("![A cat](https://example.com/cat.png)");
    expect(out).toContain('src="https://example.com/cat.png"');
    expect(out).toContain('alt="A cat"');
    expect(out).toContain('loading="lazy"');
    expect(out).toContain('decoding="async"');
    expect(html("![A cat](/media/cat.png)")).toContain('src="/media/cat.png"');
  });
});

describe("renderMarkdown: headings", () => {
  it("gives headings slug ids and an anchor link", () => {
    const out = html("## Getting Started");
    expect(out).toContain(
      '<h2 id="getting-started">Getting Started <a class="heading-anchor" ' +
        'href="#getting-started" aria-label="Link to this section">#</a></h2>',
    );
  });

  it("de-duplicates ids, even against a heading that looks like a suffix", () => {
    const { headings } = renderMarkdown("# Intro\n\n## Intro\n\n### Intro\n\n## Intro 2");
    expect(headings.map((h) => h.id)).toEqual(["intro", "intro-2", "intro-3", "intro-2-2"]);
  });

  it("collects level, id and plain text of every heading", () => {
    const { headings } = renderMarkdown(
      "# Crème *brûlée*\n\ntext\n\n###### `code` [link](/x)\n\n# 🎉\n\nSetext\n------",
    );
    expect(headings).toEqual([
      { level: 1, id: "creme-brulee", text: "Crème brûlée" },
      { level: 6, id: "code-link", text: "code link" },
      { level: 1, id: "section", text: "🎉" },
      { level: 2, id: "setext", text: "Setext" },
    ]);
  });

  it("keeps ids stable across renders", () => {
    const md = "# A\n\n# A";
    expect(renderMarkdown(md).html).toBe(renderMarkdown(md).html);
  });
});

describe("renderMarkdown: embeds", () => {
  const youtube = `<iframe src="https://www.youtube-nocookie.com/embed/${YT_ID}"`;

  it.each([
    `https://www.youtube.com/watch?v=${YT_ID}`,
    `https://youtube.com/watch?v=${YT_ID}&t=42s`,
    `https://m.youtube.com/watch?v=${YT_ID}`,
    `https://youtu.be/${YT_ID}`,
    `https://www.youtube.com/shorts/${YT_ID}`,
    `https://www.youtube.com/embed/${YT_ID}`,
  ])("turns a line with only %s into a privacy-friendly iframe", (url) => {
    const out = html(`Intro\n\n${url}\n\nOutro`);
    expect(out).toContain(`<div class="embed embed-youtube">${youtube}`);
    expect(out).toContain('loading="lazy"');
    expect(out).toContain(" allowfullscreen");
    expect(out).toContain('title="YouTube video"');
    expect(out).toContain('sandbox="allow-scripts allow-same-origin allow-presentation"');
    expect(out).toContain('referrerpolicy="strict-origin-when-cross-origin"');
    expect(out).toContain("<p>Intro</p>");
    expect(out).toContain("<p>Outro</p>");
    expect(out.match(/<iframe/g)).toHaveLength(1);
    expectSafe(out);
  });

  it.each([
    "https://vimeo.com/76979871",
    "https://www.vimeo.com/76979871",
    "https://player.vimeo.com/video/76979871",
  ])("embeds Vimeo from %s", (url) => {
    const out = html(url);
    expect(out).toContain(
      '<div class="embed embed-vimeo"><iframe src="https://player.vimeo.com/video/76979871?dnt=1"',
    );
    expect(out).toContain('title="Vimeo video"');
  });

  it.each([
    `https://youtube.com.evil.example/watch?v=${YT_ID}`,
    `https://evil.example/youtube.com/watch?v=${YT_ID}`,
    `https://notyoutube.com/watch?v=${YT_ID}`,
    `https://www.youtube.com.evil.example/embed/${YT_ID}`,
    `https://user@www.youtube.com/watch?v=${YT_ID}`,
    `https://www.youtube.com:8443/watch?v=${YT_ID}`,
    "https://www.youtube.com/watch?v=short",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQxx",
    "https://youtu.be/dQw4w9WgXc!",
    "https://vimeo.com.evil.example/76979871",
    "https://vimeo.com/channels/staffpicks",
    "https://vimeo.com/123abc",
    `ftp://www.youtube.com/watch?v=${YT_ID}`,
  ])("refuses %s (stays an ordinary link or text)", (url) => {
    const out = html(url);
    expect(out).not.toContain("<iframe");
    expectSafe(out);
  });

  it("only embeds a URL that stands alone", () => {
    const out = html(`Watch https://youtu.be/${YT_ID} today`);
    expect(out).not.toContain("<iframe");
    expect(out).toContain(`<a href="https://youtu.be/${YT_ID}"`);
    expect(html(`[video](https://youtu.be/${YT_ID})`)).not.toContain("<iframe");
  });

  it("leaves embeds out of the plain text", () => {
    expect(renderMarkdown(`Before\n\nhttps://youtu.be/${YT_ID}\n\nAfter`).text).toBe(
      "Before After",
    );
  });
});

describe("renderMarkdown: document structure", () => {
  it("renders tables, lists, blockquotes, strikethrough and code", () => {
    const out = html(
      [
        "| Name | Qty |",
        "|:-----|----:|",
        "| tea  | 2   |",
        "",
        "- one",
        "- two",
        "",
        "1. first",
        "",
        "> quoted",
        "",
        "~~gone~~ and `x < y`",
        "",
        "```js",
        "if (a < b) {}",
        "```",
      ].join("\n"),
    );
    expect(out).toContain("<table>");
    expect(out).toContain('<td style="text-align:right">2</td>');
    expect(out).toContain("<ul>\n<li>one</li>");
    expect(out).toContain("<ol>");
    expect(out).toContain("<blockquote>\n<p>quoted</p>\n</blockquote>");
    expect(out).toContain("<s>gone</s>");
    expect(out).toContain("<code>x &lt; y</code>");
    expect(out).toContain('<pre><code class="language-js">if (a &lt; b) {}\n</code></pre>');
  });

  it("applies typographic quotes and dashes", () => {
    expect(html('"Hello" -- it\'s (c)')).toContain("“Hello” – it’s ©");
  });
});

describe("renderMarkdown: text, words, reading time", () => {
  it("extracts plain text without markup, anchors or extra whitespace", () => {
    const { text } = renderMarkdown(
      "# Title\n\nSome **bold** and [a link](https://example.com).\n\n" +
        "- item   one\n- item two\n\n![alt words](/x.png)\n\n```\nconst x = 1;\n```",
    );
    expect(text).toBe("Title Some bold and a link. item one item two alt words const x = 1;");
  });

  it("returns raw HTML from the source as literal text (callers escape it)", () => {
    expect(renderMarkdown("a <b>c</b>").text).toBe("a <b>c</b>");
  });

  it("counts words and rounds reading time up, with a one-minute floor", () => {
    const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(" ");
    expect(renderMarkdown("").wordCount).toBe(0);
    expect(renderMarkdown("").readingMinutes).toBe(1);
    expect(renderMarkdown("Hello, world — again!").wordCount).toBe(3);
    expect(renderMarkdown(words(230))).toMatchObject({ wordCount: 230, readingMinutes: 1 });
    expect(renderMarkdown(words(231))).toMatchObject({ wordCount: 231, readingMinutes: 2 });
    expect(renderMarkdown(words(1000)).readingMinutes).toBe(5);
  });

  it("counts each CJK character as a word", () => {
    expect(renderMarkdown("日本語 text").wordCount).toBe(4);
  });
});

describe("slugify", () => {
  it.each([
    ["Hello, World!", "hello-world"],
    ["  --Already--slugged--  ", "already-slugged"],
    ["Crème brûlée à la carte", "creme-brulee-a-la-carte"],
    ["Straße in Øresund, Łódź", "strasse-in-oresund-lodz"],
    ["Ærø ﬁle №5", "aero-file-no5"],
    ["Don’t stop 'til", "dont-stop-til"],
    ["🚀 Launch day 🎉", "launch-day"],
    ["C++ & Rust in 2025", "c-rust-in-2025"],
  ])("%s -> %s", (input, expected) => {
    expect(slugify(input)).toBe(expected);
  });

  it("returns an empty string when nothing usable is left", () => {
    expect(slugify("")).toBe("");
    expect(slugify("🎉🚀")).toBe("");
    expect(slugify("---")).toBe("");
    expect(slugify("Привет мир")).toBe("");
  });

  it("truncates long input without a trailing dash, preferring a word boundary", () => {
    const long = slugify("word ".repeat(100));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^word(-word)+$/);
    expect(slugify("a".repeat(200))).toBe("a".repeat(80));
    expect(slugify("abcd efgh", 6)).toBe("abcd");
    expect(slugify("ab cdefghij", 6)).toBe("ab-cde");
    expect(slugify("x".repeat(5), 0)).toBe("");
  });
});

describe("excerptFrom", () => {
  it("returns short text unchanged, whitespace collapsed", () => {
    expect(excerptFrom("  Short\n\ntext  ")).toBe("Short text");
    expect(excerptFrom("x".repeat(200))).toBe("x".repeat(200));
  });

  it("cuts at a word boundary and adds an ellipsis, within the limit", () => {
    const text = "The quick brown fox jumps over the lazy dog";
    expect(excerptFrom(text, 20)).toBe("The quick brown fox…");
    expect(excerptFrom(text, 19)).toBe("The quick brown…");
    for (let n = 5; n < text.length; n++) {
      const out = excerptFrom(text, n);
      expect(out.length).toBeLessThanOrEqual(n);
      expect(out.endsWith("…")).toBe(true);
      expect(text.startsWith(out.slice(0, -1))).toBe(true);
    }
  });

  it("drops trailing punctuation before the ellipsis", () => {
    expect(excerptFrom("First, second, third and more", 16)).toBe("First, second…");
  });

  it("hard-cuts a single long word without splitting an emoji", () => {
    expect(excerptFrom("a".repeat(300), 10)).toBe(`${"a".repeat(9)}…`);
    expect(excerptFrom(`${"a".repeat(8)}😀😀😀`, 10)).toBe(`${"a".repeat(8)}…`);
  });

  it("defaults to 200 characters", () => {
    const out = excerptFrom("lorem ipsum ".repeat(50));
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out).toMatch(/^(lorem ipsum )+lorem…$/);
  });
});

describe("escapeHtml", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
    expect(escapeHtml("plain")).toBe("plain");
  });
});
