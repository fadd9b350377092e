import type { AppLoadContext } from "@remix-run/cloudflare";
import { desc } from "drizzle-orm";
import { outbox } from "../../worker/db/schema";
import { servicesFor } from "./services.server";

/** The development mail page exists only where mail is not really sent. */
export function devMailEnabled(context: AppLoadContext): boolean {
  const appEnv = context.cloudflare.env.APP_ENV;
  return appEnv === "development" || appEnv === "test";
}

/** The newest outbox mails, read-only, for a developer to follow their links. */
export async function latestMail(request: Request, context: AppLoadContext, limit = 50) {
  const rows = await servicesFor(request, context).db.query.outbox.findMany({
    orderBy: [desc(outbox.createdAt), desc(outbox.id)],
    limit,
    columns: {
      id: true,
      toEmail: true,
      subject: true,
      text: true,
      status: true,
      createdAt: true,
    },
  });
  return rows;
}
