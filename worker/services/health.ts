import type { Env } from "../env";
import { QUEUE_HEARTBEAT_KEY } from "./events";

export interface BindingCheck {
  status: "up" | "down";
  latency_ms: number;
  error?: string;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: "ok" | "degraded";
  checked_at: string;
  bindings: Record<"d1" | "kv" | "r2" | "durable_objects" | "queue", BindingCheck>;
}

const CHECK_TIMEOUT_MS = 3000;

/**
 * A real round trip per binding, run in parallel, each with a timeout so one
 * hung service reports "down" instead of hanging the health check.
 */
export async function checkHealth(env: Env): Promise<HealthReport> {
  const probe = crypto.randomUUID();
  const [d1, kv, r2, durableObjects, queue] = await Promise.all([
    timed(async () => {
      const row = await env.DB.prepare("SELECT ?1 AS echo").bind(probe).first<{ echo: string }>();
      if (row?.echo !== probe) throw new Error("unexpected D1 answer");
    }),
    timed(async () => {
      const key = `health:kv:${probe}`;
      await env.CACHE.put(key, probe, { expirationTtl: 60 });
      const read = await env.CACHE.get(key);
      await env.CACHE.delete(key);
      if (read !== probe) throw new Error("KV read did not return the written value");
    }),
    timed(async () => {
      const key = `_health/${probe}`;
      await env.MEDIA.put(key, probe);
      const object = await env.MEDIA.get(key);
      const read = await object?.text();
      await env.MEDIA.delete(key);
      if (read !== probe) throw new Error("R2 read did not return the written object");
    }),
    timed(async () => {
      const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("health"));
      const pong = await stub.ping();
      if (!pong.ok) throw new Error("Durable Object did not answer");
    }),
    timed(async () => {
      await env.EVENTS.send({ type: "health.ping", sentAt: Date.now() });
      const heartbeat = await env.CACHE.get<{ consumedAt: number }>(QUEUE_HEARTBEAT_KEY, "json");
      return heartbeat ? { last_consumed_at: new Date(heartbeat.consumedAt).toISOString() } : {};
    }),
  ]);

  const bindings = { d1, kv, r2, durable_objects: durableObjects, queue };
  const allUp = Object.values(bindings).every((b) => b.status === "up");
  return { status: allUp ? "ok" : "degraded", checked_at: new Date().toISOString(), bindings };
}

// biome-ignore lint/suspicious/noConfusingVoidType: a check with no details returns nothing
async function timed(check: () => Promise<Record<string, unknown> | void>): Promise<BindingCheck> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const details = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: "up", latency_ms: elapsed(started), ...details };
  } catch (err) {
    // Only the message: binding errors do not carry secrets, and never SQL from user input here.
    return {
      status: "down",
      latency_ms: elapsed(started),
      error: err instanceof Error ? err.message : "failed",
    };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 100) / 100;
