import type { Env } from "./env";
import { backupDatabase } from "./services/backup";
import { sweepExpired } from "./services/sweeps";

/** Cron triggers (wrangler.toml [triggers]): each cron string names one job. */
export async function runScheduled(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  switch (controller.cron) {
    case "0 3 * * *":
      ctx.waitUntil(backupDatabase(env, new Date(controller.scheduledTime)));
      return;
    case "*/15 * * * *":
      ctx.waitUntil(sweepExpired(env, new Date(controller.scheduledTime)));
      return;
    default:
      console.warn(JSON.stringify({ level: "warn", msg: "unknown cron", cron: controller.cron }));
  }
}
