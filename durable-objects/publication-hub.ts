import { DurableObject } from "cloudflare:workers";
import type { Env } from "../worker/env";
import { mirrorGenerations } from "../worker/services/cache";
import {
  type Delegation,
  deleteNow,
  hubContext,
  markScheduled,
  markScheduleFailed,
  publishNow,
  unpublishNow,
} from "../worker/services/publishing";

const MAX_SCHEDULE_ATTEMPTS = 5;
const RETRY_DELAY_MS = 60_000;

interface ScheduleRow extends Record<string, SqlStorageValue> {
  post_id: string;
  publication_id: string;
  at: number;
  attempts: number;
  delegation: string;
}

/**
 * One per publication. Serializes publish, unpublish, schedule and delete so
 * two triggers for the same post act once; owns the alarms that publish
 * scheduled posts at their minute; holds the cache generations of the
 * publication's scopes (strongly consistent) and mirrors them to KV.
 */
export class PublicationHub extends DurableObject<Env> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS schedules (
        post_id TEXT PRIMARY KEY, publication_id TEXT NOT NULL, at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, delegation TEXT NOT NULL)`);
      this.ctx.storage.sql.exec(
        "CREATE TABLE IF NOT EXISTS generations (scope TEXT PRIMARY KEY, gen INTEGER NOT NULL)",
      );
    });
  }

  /** Runs `task` after every task before it: D1 awaits would otherwise interleave. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  async publish(publicationId: string, postId: string, by: Delegation) {
    return this.change(publicationId, postId, by, "post.published", publishNow);
  }

  async unpublish(publicationId: string, postId: string, by: Delegation) {
    return this.change(publicationId, postId, by, "post.unpublished", unpublishNow);
  }

  async remove(publicationId: string, postId: string, by: Delegation) {
    await this.change(publicationId, postId, by, "post.deleted", async (...args) => {
      const touched = await deleteNow(...args);
      return { changed: touched.length > 0, scopes: touched, post: null };
    });
  }

  /**
   * One publishing change, exclusively: run it, drop any pending schedule of
   * the post, retire the cache scopes it touched and announce it if it changed
   * anything.
   */
  private change<P>(
    publicationId: string,
    postId: string,
    by: Delegation,
    event: string,
    work: (
      ctx: ReturnType<typeof hubContext>,
      actor: Delegation["actor"],
      publicationId: string,
      postId: string,
    ) => Promise<{ changed: boolean; scopes: string[]; post: P }>,
  ) {
    return this.exclusive(async () => {
      const outcome = await work(hubContext(this.env, by.meta), by.actor, publicationId, postId);
      this.ctx.storage.sql.exec("DELETE FROM schedules WHERE post_id = ?", postId);
      await this.afterChange(publicationId, postId, outcome.scopes, outcome.changed ? event : null);
      return { changed: outcome.changed, post: outcome.post };
    });
  }

  /** Schedules (or with `at` null cancels) publishing the post at the minute `at`. */
  async schedule(publicationId: string, postId: string, at: number | null, by: Delegation) {
    return this.exclusive(async () => {
      const post = await markScheduled(
        hubContext(this.env, by.meta),
        by.actor,
        publicationId,
        postId,
        at,
      );
      if (at === null) {
        this.ctx.storage.sql.exec("DELETE FROM schedules WHERE post_id = ?", postId);
      } else {
        this.ctx.storage.sql.exec(
          `INSERT INTO schedules (post_id, publication_id, at, attempts, delegation) VALUES (?, ?, ?, 0, ?)
           ON CONFLICT(post_id) DO UPDATE SET at = excluded.at, attempts = 0, delegation = excluded.delegation`,
          postId,
          publicationId,
          at,
          JSON.stringify(by),
        );
      }
      await this.armAlarm();
      return post;
    });
  }

  /** Pending schedules, for the admin ("will publish at …"). */
  pendingSchedules(): { post_id: string; at: string; attempts: number }[] {
    return this.ctx.storage.sql
      .exec<ScheduleRow>("SELECT * FROM schedules ORDER BY at")
      .toArray()
      .map((r) => ({ post_id: r.post_id, at: new Date(r.at).toISOString(), attempts: r.attempts }));
  }

  override async alarm(): Promise<void> {
    await this.exclusive(async () => {
      const due = this.ctx.storage.sql
        .exec<ScheduleRow>("SELECT * FROM schedules WHERE at <= ? ORDER BY at", Date.now() + 500)
        .toArray();
      for (const row of due) {
        const by = JSON.parse(row.delegation) as Delegation;
        const ctx = hubContext(this.env, { ...by.meta, requestId: `schedule-${row.post_id}` });
        try {
          const outcome = await publishNow(
            ctx,
            by.actor,
            row.publication_id,
            row.post_id,
            "schedule",
          );
          this.ctx.storage.sql.exec("DELETE FROM schedules WHERE post_id = ?", row.post_id);
          await this.afterChange(
            row.publication_id,
            row.post_id,
            outcome.scopes,
            outcome.changed ? "post.published" : null,
          );
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const attempts = row.attempts + 1;
          console.error(
            JSON.stringify({
              level: "error",
              msg: "scheduled publish failed",
              post_id: row.post_id,
              attempts,
              error: message,
            }),
          );
          if (attempts >= MAX_SCHEDULE_ATTEMPTS || /No such post/.test(message)) {
            this.ctx.storage.sql.exec("DELETE FROM schedules WHERE post_id = ?", row.post_id);
            await markScheduleFailed(ctx, row.post_id, message).catch(() => {});
          } else {
            this.ctx.storage.sql.exec(
              "UPDATE schedules SET attempts = ?, at = ? WHERE post_id = ?",
              attempts,
              Date.now() + RETRY_DELAY_MS * attempts,
              row.post_id,
            );
          }
        }
      }
      await this.armAlarm();
    });
  }

  /** Retires cached pages of these scopes, e.g. every page after a settings change. */
  async retire(scopeList: string[]): Promise<void> {
    await this.exclusive(() => this.afterChange("", "", scopeList, null));
  }

  /** Current generation of each scope (0 if never bumped). */
  generations(scopeList: string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const scope of scopeList) {
      const row = this.ctx.storage.sql
        .exec<{ gen: number }>("SELECT gen FROM generations WHERE scope = ?", scope)
        .toArray()[0];
      out[scope] = row?.gen ?? 0;
    }
    return out;
  }

  private async afterChange(
    publicationId: string,
    postId: string,
    touched: string[],
    event: string | null,
  ) {
    if (touched.length) {
      const bumped: Record<string, number> = {};
      for (const scope of touched) {
        const row = this.ctx.storage.sql
          .exec<{ gen: number }>(
            "INSERT INTO generations (scope, gen) VALUES (?, 1) ON CONFLICT(scope) DO UPDATE SET gen = gen + 1 RETURNING gen",
            scope,
          )
          .one();
        bumped[scope] = row.gen;
      }
      await mirrorGenerations(this.env, bumped);
    }
    if (event) {
      await this.env.EVENTS.send({
        type: "post.changed",
        event,
        publicationId,
        postId,
        at: Date.now(),
      });
    }
  }

  private async armAlarm() {
    const next = this.ctx.storage.sql
      .exec<{ at: number | null }>("SELECT min(at) AS at FROM schedules")
      .one().at;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }
}
