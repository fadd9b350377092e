import { z } from "zod";
import { database } from "../db/client";
import type { Env } from "../env";
import { deliverMail } from "./email";

/**
 * Everything that travels through the `EVENTS` queue. Messages are validated
 * again on the consumer side: a queue is an outside input like any other.
 */
export const queueEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("health.ping"), sentAt: z.number() }),
  z.object({ type: z.literal("email.send"), id: z.string().min(1) }),
  z.object({
    type: z.literal("post.changed"),
    event: z.string(),
    publicationId: z.string(),
    postId: z.string(),
    at: z.number(),
  }),
]);

export type QueueEvent = z.infer<typeof queueEventSchema>;

export const QUEUE_HEARTBEAT_KEY = "health:queue:last-consumed";

/** Applies one event. Throwing makes the queue retry the message. */
export async function handleEvent(env: Env, event: QueueEvent): Promise<void> {
  switch (event.type) {
    case "health.ping":
      // The health check reads this back to show the consumer is alive.
      await env.CACHE.put(
        QUEUE_HEARTBEAT_KEY,
        JSON.stringify({ sentAt: event.sentAt, consumedAt: Date.now() }),
      );
      return;
    case "email.send":
      await deliverMail(env, database(env.DB), event.id);
      return;
    case "post.changed":
      // Fan-out point after publish (webhooks subscribe here once they exist).
      console.log(JSON.stringify({ level: "info", msg: event.event, post_id: event.postId }));
      return;
  }
}
