import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../worker/index";
import { QUEUE_HEARTBEAT_KEY } from "../worker/services/events";

describe("EVENTS queue consumer", () => {
  it("applies valid events and acks them; drops malformed ones without retrying", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const sentAt = Date.now();
    const batch = createMessageBatch("folio-events", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { type: "health.ping", sentAt } },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { type: "no.such.event" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(result.retryMessages).toEqual([]);
    const heartbeat = await env.CACHE.get<{ sentAt: number }>(QUEUE_HEARTBEAT_KEY, "json");
    expect(heartbeat?.sentAt).toBe(sentAt);
  });

  it("retries a message whose handler fails instead of acking it", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const failingEnv = {
      ...env,
      CACHE: { put: () => Promise.reject(new Error("KV down")) } as unknown as KVNamespace,
    };
    const batch = createMessageBatch("folio-events", [
      { id: "m3", timestamp: new Date(), attempts: 3, body: { type: "health.ping", sentAt: 1 } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, failingEnv);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([{ msgId: "m3" }]);
    expect(result.explicitAcks).toEqual([]);
  });

  it("receives what the producer sends (real queue round trip)", async () => {
    const sentAt = Date.now() + 12345;
    await env.EVENTS.send({ type: "health.ping", sentAt });
    await vi.waitFor(
      async () => {
        const heartbeat = await env.CACHE.get<{ sentAt: number }>(QUEUE_HEARTBEAT_KEY, "json");
        expect(heartbeat?.sentAt).toBe(sentAt);
      },
      { timeout: 5000, interval: 100 },
    );
  });
});
