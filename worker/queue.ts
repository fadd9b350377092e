import type { Env } from "./env";
import { handleEvent, queueEventSchema } from "./services/events";

/**
 * Queue consumer. Each message is acked or retried on its own, so one bad
 * message never holds back (or replays) the rest of its batch. Messages that do
 * not parse are acked and logged: retrying cannot fix them.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = queueEventSchema.safeParse(message.body);
    if (!parsed.success) {
      console.warn(
        JSON.stringify({ level: "warn", msg: "dropped malformed queue message", id: message.id }),
      );
      message.ack();
      continue;
    }
    try {
      await handleEvent(env, parsed.data);
      message.ack();
    } catch (err) {
      console.error(
        JSON.stringify({
          level: "error",
          msg: "queue event failed",
          id: message.id,
          type: parsed.data.type,
          attempts: message.attempts,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
      message.retry({ delaySeconds: Math.min(300, 2 ** message.attempts) });
    }
  }
}
