import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../worker/index";
import { bulkSeed } from "../worker/services/bulk-seed";
import { serviceContext } from "../worker/services/context";
import { requirePublication, searchPublished } from "../worker/services/reading";
import { createUser } from "./helpers";

const segments = async () =>
  (
    await env.DB.prepare("SELECT count(DISTINCT segid) AS n FROM posts_fts_idx").first<{
      n: number;
    }>()
  )?.n ?? 0;

describe("cron triggers", () => {
  it("the 15-minute sweep deletes idle sessions and keeps live ones", async () => {
    const idle = await createUser("sweep-idle");
    const live = await createUser("sweep-live");
    await env.DB.prepare("UPDATE sessions SET last_seen_at = ?1 WHERE user_id = ?2")
      .bind(new Date(Date.now() - 8 * 86_400_000).toISOString(), idle.id)
      .run();
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const count = (id: string) =>
      env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?1")
        .bind(id)
        .first<{ n: number }>();
    expect((await count(idle.id))?.n).toBe(0);
    expect((await count(live.id))?.n).toBe(1);
  });

  it("the 15-minute sweep merges search index segments; search answers the same", async () => {
    const ctx = serviceContext(env, new Request("http://x"), "t", () => {});
    // Small batches, like one-post publishes: each leaves a segment behind.
    for (let start = 0; start < 200; start += 10)
      await bulkSeed(ctx, { publication: "sweep-merge", count: 10, start });
    const pub = await requirePublication(ctx, "sweep-merge");
    const before = await searchPublished(ctx, pub, { q: "harbor", limit: 20 });
    const fragmented = await segments();

    const run = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }),
      env,
      run,
    );
    await waitOnExecutionContext(run);

    expect(await segments()).toBeLessThan(fragmented);
    const after = await searchPublished(ctx, pub, { q: "harbor", limit: 20 });
    expect(after.data.map((p) => p.id)).toEqual(before.data.map((p) => p.id));
    expect(after.data.length).toBeGreaterThan(0);
  });

  it("the daily trigger writes a backup manifest to R2", async () => {
    const scheduledTime = Date.parse("2026-03-04T03:00:00Z");
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: "0 3 * * *", scheduledTime }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const manifest = await env.MEDIA.get("backups/2026-03-04T03-00-00-000Z/manifest.json");
    expect(manifest).not.toBeNull();
    const body = await manifest!.json<{ tables: { name: string }[] }>();
    expect(body.tables.map((t) => t.name)).toContain("posts");
    expect(body.tables.map((t) => t.name)).not.toContain("posts_fts");
  });
});
