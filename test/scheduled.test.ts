import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../worker/index";
import { createUser } from "./helpers";

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
