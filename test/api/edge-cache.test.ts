import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { HIT_SUMMARY_MS } from "../../worker/api/middleware/request-log";
import {
  forgetMemoryTier,
  GENERATION_TTL_MS,
  generationKey,
  scopes,
} from "../../worker/services/cache";
import {
  asUser,
  call,
  createPublication,
  createUser,
  jsonRequest,
  type TestUser,
} from "../helpers";

let owner: TestUser;
let pub: string;

const content = (path = "") => `/api/v1/content/${pub}${path}`;
const tier = (res: Response) =>
  /cache;desc=(\w+)/.exec(res.headers.get("server-timing") ?? "")?.[1];

async function publishedPost(title: string) {
  const res = await call(
    `/api/v1/publications/${pub}/posts`,
    jsonRequest("POST", { title, body_markdown: `About ${title}` }, asUser(owner)),
  );
  const post = await res.json<{ id: string; slug: string }>();
  const published = await call(`/api/v1/publications/${pub}/posts/${post.id}/publish`, {
    method: "POST",
    headers: asUser(owner),
  });
  expect(published.status).toBe(200);
  return post;
}

beforeAll(async () => {
  owner = await createUser("edge-cache");
  pub = (await createPublication(owner)).slug;
});

afterEach(() => vi.restoreAllMocks());

describe("edge cache tiers", () => {
  it("answers a repeated read from the isolate's memory, and a cold isolate from the Cache API", async () => {
    const post = await publishedPost("Memory tier");
    const first = await call(content(`/posts/${post.slug}`));
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(tier(first)).toBe("miss");

    const second = await call(content(`/posts/${post.slug}`));
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(tier(second)).toBe("memory");
    expect(await second.text()).toBe(await first.text());

    forgetMemoryTier();
    const cold = await call(content(`/posts/${post.slug}`));
    expect(tier(cold)).toBe("local");
    expect(cold.status).toBe(200);
    expect(tier(await call(content(`/posts/${post.slug}`)))).toBe("memory");
  });

  it("picks up a generation another isolate wrote once the remembered one is older than its TTL", async () => {
    const post = await publishedPost("Other isolate");
    await call(content(`/posts/${post.slug}`));
    expect(tier(await call(content(`/posts/${post.slug}`)))).toBe("memory");

    // What a PublicationHub elsewhere does after a publish: bump and mirror to KV.
    const scope = scopes.post(pub, post.slug);
    const current = Number((await env.CACHE.get(generationKey(scope))) ?? 0);
    await env.CACHE.put(generationKey(scope), String(current + 1));

    // Within the TTL this isolate still uses the generation it knows...
    expect(tier(await call(content(`/posts/${post.slug}`)))).toBe("memory");
    // ...and after it, the new one: a new key, so the entry is produced again.
    const later = Date.now() + GENERATION_TTL_MS + 1;
    vi.spyOn(Date, "now").mockReturnValue(later);
    const after = await call(content(`/posts/${post.slug}`));
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(after.status).toBe(200);
  });

  it("never keeps a 404 in memory, so a missing page is re-checked by the tiers with a TTL", async () => {
    const missing = await call(content("/posts/not-written-yet"));
    expect(missing.status).toBe(404);
    const again = await call(content("/posts/not-written-yet"));
    expect(again.status).toBe(404);
    expect(tier(again)).not.toBe("memory");
  });
});

describe("publications held in isolate memory", () => {
  it("a renamed publication shows its new name on the next read, on the API and the reader site", async () => {
    const mine = await createPublication(owner);
    const at = (slug: string) => `/api/v1/content/${slug}`;
    // Read twice so the isolate holds it (and the Content API answer is cached).
    await call(at(mine.slug));
    expect((await (await call(at(mine.slug))).json<{ name: string }>()).name).toBe(mine.name);

    const renamed = await call(
      `/api/v1/publications/${mine.slug}`,
      jsonRequest("PATCH", { name: "Renamed at once" }, asUser(owner)),
    );
    expect(renamed.status).toBe(200);
    expect((await (await call(at(mine.slug))).json<{ name: string }>()).name).toBe(
      "Renamed at once",
    );
    const page = await (await call(`/@${mine.slug}`)).text();
    expect(page).toContain("Renamed at once");
  });

  it("a deleted publication answers 404 at once, even to a signed-in reader (no shared cache)", async () => {
    const doomed = await createPublication(owner);
    const post = await call(
      `/api/v1/publications/${doomed.slug}/posts`,
      jsonRequest("POST", { title: "Soon gone" }, asUser(owner)),
    );
    expect(post.status).toBe(201);
    await call(`/api/v1/content/${doomed.slug}/posts`, { headers: { cookie: owner.cookie } });
    const deleted = await call(`/api/v1/publications/${doomed.slug}`, {
      method: "DELETE",
      headers: asUser(owner),
    });
    expect(deleted.status).toBe(204);
    const after = await call(`/api/v1/content/${doomed.slug}/posts`, {
      headers: { cookie: owner.cookie },
    });
    expect(after.status).toBe(404);
  });
});

describe("request log for cache hits", () => {
  it("counts hits in one summary line per isolate instead of a line per hit; misses keep theirs", async () => {
    const post = await publishedPost("Quiet log");
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const lines = (msg: string) =>
      log.mock.calls
        .map((args) => String(args[0]))
        .filter((l) => l.includes(`"msg":"${msg}"`))
        .map((l) => JSON.parse(l));

    const miss = await call(content(`/posts/${post.slug}`));
    expect(miss.headers.get("x-cache")).toBe("MISS");
    for (let i = 0; i < 3; i++) await call(content(`/posts/${post.slug}`));
    const requests = lines("request").filter(
      (l) => l.path === `/api/v1/content/${pub}/posts/${post.slug}`,
    );
    expect(requests).toHaveLength(1);

    // Once the summary interval has passed, the next hit writes the tally.
    const later = Date.now() + HIT_SUMMARY_MS + 1;
    vi.spyOn(Date, "now").mockReturnValue(later);
    const hit = await call(content(`/posts/${post.slug}`));
    expect(await hit.text()).toContain("Quiet log");
    const [summary] = lines("cache hits");
    expect(summary.count).toBeGreaterThanOrEqual(4);
    expect(summary.by_tier.memory).toBeGreaterThanOrEqual(4);
  });
});
