// What the bench measures. Every endpoint says how it avoids or uses the edge
// cache, which target it counts toward and which scale family it belongs to.
//
// Cache misses, measured repeatedly, two ways:
//  - "no cache (signed in)": the request carries the bench editor's session
//    cookie, so publicCache neither serves nor stores it; every request runs the
//    D1 queries. It also pays one session lookup (an indexed D1 read).
//  - "anonymous miss": every request asks for a slug nobody asked for before, so
//    it is a genuine miss (Cache API, KV, then D1, then the cache writes). The
//    supply of unused slugs is finite (about N at scale N), so these runs are
//    capped by request count rather than time and are short at 1,000 posts.

export const PUB = "bench";
export const HOT_SLUG = "post-123";
const api = `/api/v1/content/${PUB}`;

/** Slugs never requested through one family of URLs (API or pages), handed out once. */
export class FreshSlugs {
  constructor(reserved = [HOT_SLUG]) {
    this.next = 0;
    this.limit = 0;
    this.reserved = new Set(reserved);
  }
  grow(total) {
    this.limit = total;
  }
  remaining() {
    return Math.max(0, this.limit - this.next);
  }
  take() {
    while (this.next < this.limit) {
      const slug = `post-${this.next++}`;
      if (!this.reserved.has(slug)) return slug;
    }
    return null;
  }
}

export function floorSpecs({ hasPing }) {
  return {
    floor: {
      id: "floor",
      label: "Floor: /__floor (answers before any framework code)",
      path: "/__floor",
    },
    hono: hasPing
      ? {
          id: "hono",
          label: "Hono floor: GET /api/ping (whole middleware chain, no bindings)",
          path: "/api/ping",
        }
      : {
          id: "hono",
          label: "Hono floor: GET /api/v1/nope (404 problem+json; no /api/ping route)",
          path: "/api/v1/nope",
          expectStatus: 404,
        },
  };
}

/**
 * The endpoints, in measuring order. `scale` groups endpoints for the
 * 100k/1k latency targets; `target` marks the throughput targets.
 */
export function endpointSpecs({ cookie, origin, deepCursor, fresh, save }) {
  const signedIn = { cookie };
  const freshPath = (family, prefix) => () => {
    const slug = fresh[family].take();
    // Exhausted pools never happen: the run's request count is capped (amount).
    return `${prefix}/${slug ?? HOT_SLUG}`;
  };
  return [
    {
      id: "floor.d1",
      label: "Binding floor: one D1 query (`SELECT 1`) before any framework code",
      path: "/__floor/d1",
      expectCache: "none",
    },
    {
      id: "floor.kv",
      label: "Binding floor: one KV read (missing key) before any framework code",
      path: "/__floor/kv",
      expectCache: "none",
    },
    {
      id: "floor.kv-put",
      label: "Binding floor: one KV write (2 KB, new key) before any framework code",
      path: "/__floor/kv-put",
      expectCache: "none",
    },
    {
      id: "floor.cache",
      label: "Binding floor: one Cache API write and read (2 KB) before any framework code",
      path: "/__floor/cache",
      expectCache: "none",
    },
    {
      id: "api.post.hit",
      label: "Content API post by slug, cache hit",
      path: `${api}/posts/${HOT_SLUG}`,
      expectCache: "HIT",
      target: "cached",
    },
    {
      id: "api.post.nocache",
      label: "Content API post by slug, no cache (signed in)",
      path: `${api}/posts/${HOT_SLUG}`,
      headers: signedIn,
      expectCache: "none",
      target: "uncached",
      scale: "slug",
    },
    {
      id: "api.post.miss",
      label: "Content API post by slug, anonymous miss (fresh slug per request)",
      nextPath: freshPath("api", `${api}/posts`),
      expectCache: "MISS",
      fresh: "api",
      estimateFrom: "api.post.nocache",
      target: "uncached",
      scale: "slug",
    },
    {
      id: "api.list.first",
      label: "Content API list, first page (signed in, no cache)",
      path: `${api}/posts`,
      headers: signedIn,
      expectCache: "none",
      scale: "list",
    },
    {
      id: "api.list.deep",
      label: "Content API list, cursor ~90% deep (signed in, no cache)",
      path: () => `${api}/posts?cursor=${deepCursor()}`,
      headers: signedIn,
      expectCache: "none",
      scale: "list",
    },
    {
      id: "api.list.tag",
      label: "Content API list by tag (signed in, no cache)",
      path: `${api}/posts?tag=engineering`,
      headers: signedIn,
      expectCache: "none",
      scale: "tag",
    },
    {
      id: "api.tags",
      label: "Content API tags with post counts (signed in, no cache)",
      path: `${api}/tags`,
      headers: signedIn,
      expectCache: "none",
      scale: "tag",
    },
    {
      id: "api.search.rare",
      label: "Content API search, rare term `quetzalcoatl` (signed in, no cache)",
      path: `${api}/search?q=quetzalcoatl`,
      headers: signedIn,
      expectCache: "none",
      scale: "search",
    },
    {
      id: "api.search.common",
      label: "Content API search, common term `edge` (signed in, no cache)",
      path: `${api}/search?q=edge`,
      headers: signedIn,
      expectCache: "none",
      scale: "search",
    },
    {
      id: "api.search.prefix",
      label: "Content API search, prefix `harb*` (signed in, no cache)",
      path: `${api}/search?q=${encodeURIComponent("harb*")}`,
      headers: signedIn,
      expectCache: "none",
      scale: "search",
    },
    {
      id: "page.post.hit",
      label: `Reader post page /@${PUB}/${HOT_SLUG}, cache hit`,
      path: `/@${PUB}/${HOT_SLUG}`,
      expectCache: "HIT",
      target: "cached",
    },
    {
      id: "page.post.nocache",
      label: "Reader post page, no cache (signed in)",
      path: `/@${PUB}/${HOT_SLUG}`,
      headers: signedIn,
      expectCache: "none",
      target: "uncached",
      scale: "slug",
    },
    {
      id: "page.post.miss",
      label: "Reader post page, anonymous miss (fresh slug per request)",
      nextPath: freshPath("page", `/@${PUB}`),
      expectCache: "MISS",
      fresh: "page",
      estimateFrom: "page.post.nocache",
      target: "uncached",
      scale: "slug",
    },
    {
      id: "page.home.hit",
      label: `Reader home /@${PUB}, cache hit`,
      path: `/@${PUB}`,
      expectCache: "HIT",
      target: "cached",
    },
    {
      id: "page.home.nocache",
      label: "Reader home, no cache (signed in)",
      path: `/@${PUB}`,
      headers: signedIn,
      expectCache: "none",
      scale: "list",
    },
    {
      id: "admin.posts",
      label: "Admin API post list (signed-in editor)",
      path: `/api/v1/publications/${PUB}/posts`,
      headers: signedIn,
      expectCache: "none",
      scale: "list",
    },
    {
      id: "admin.save",
      label: "Admin API post save (PATCH with If-Match)",
      method: "PATCH",
      path: save.path,
      headers: { cookie, origin, "content-type": "application/json" },
      connections: save.connections,
      prepare: save.prepare,
      setupRequest: save.setupRequest,
      onResponse: save.onResponse,
      expectCache: "none",
    },
  ];
}

/**
 * Post saves: each connection edits its own post and sends the version it
 * last saw (If-Match), read from the ETag of its previous answer, so saves are
 * real, sequential edits and not 412s. D1 has one writer: few connections.
 */
export function saveDriver({ origin, cookie, posts }) {
  const state = posts.map((p) => ({ ...p, busy: false, edits: 0 }));
  return {
    connections: state.length,
    path: `/api/v1/publications/${PUB}/posts/${state[0].id}`,
    /** Before each autocannon run: versions may have moved with answers autocannon dropped. */
    async prepare() {
      for (const p of state) {
        const res = await fetch(`${origin}/api/v1/publications/${PUB}/posts/${p.id}`, {
          headers: { cookie },
        });
        if (!res.ok) throw new Error(`GET post ${p.id}: HTTP ${res.status}`);
        const post = await res.json();
        p.version = post.version;
        p.body = post.body_markdown.replace(/\n\nBench edit \d+\.$/, "");
        p.busy = false;
      }
    },
    setupRequest(req, context) {
      const p = state.find((s) => !s.busy) ?? state[0];
      p.busy = true;
      p.edits++;
      context.post = p;
      req.path = `/api/v1/publications/${PUB}/posts/${p.id}`;
      req.headers = { ...req.headers, "if-match": `"${p.version}"` };
      req.body = JSON.stringify({ body_markdown: `${p.body}\n\nBench edit ${p.edits}.` });
      return req;
    },
    onResponse(_status, _body, context, headers) {
      const p = context.post;
      if (!p) return;
      p.busy = false;
      const v = /(\d+)/.exec(headers?.etag ?? "");
      if (v) p.version = Number(v[1]);
    },
  };
}
