import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../../durable-objects/rate-limiter";

const stubFor = (name: string) =>
  env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`test:${name}:${crypto.randomUUID()}`));

describe("RateLimiter", () => {
  it("allows exactly `capacity` calls under concurrency", async () => {
    const stub = stubFor("concurrent");
    const policy = { capacity: 7, refillPerSecond: 0.001 };
    const results = await Promise.all(Array.from({ length: 25 }, () => stub.consume(policy)));
    expect(results.filter((r) => r.allowed)).toHaveLength(7);
    const refused = results.filter((r) => !r.allowed);
    expect(refused).toHaveLength(18);
    for (const r of refused) expect(r.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it("refills over time", async () => {
    const stub = stubFor("refill");
    const policy = { capacity: 2, refillPerSecond: 1 };
    await stub.consume(policy);
    await stub.consume(policy);
    expect((await stub.consume(policy)).allowed).toBe(false);
    // Move the stored clock back 1.5 s instead of sleeping.
    await runInDurableObject(stub, (_instance: RateLimiter, state) => {
      const saved = state.storage.kv.get<{ tokens: number; updatedAt: number }>("bucket")!;
      state.storage.kv.put("bucket", { ...saved, updatedAt: saved.updatedAt - 1500 });
    });
    const after = await stub.consume(policy);
    expect(after.allowed).toBe(true);
    expect(after.remaining).toBe(0);
  });

  it("keeps its count when the object is evicted", async () => {
    const stub = stubFor("evict");
    const policy = { capacity: 3, refillPerSecond: 0.001 };
    await stub.consume(policy);
    await stub.consume(policy);
    await evictDurableObject(stub);
    const third = await stub.consume(policy);
    expect(third).toMatchObject({ allowed: true, remaining: 0 });
    expect((await stub.consume(policy)).allowed).toBe(false);
  });

  it("forgets a bucket once it has refilled (the alarm clears storage)", async () => {
    const stub = stubFor("alarm");
    const policy = { capacity: 1, refillPerSecond: 1000 };
    await stub.consume(policy);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const keys = await runInDurableObject(stub, (_i: RateLimiter, state) => [
      ...state.storage.kv.list(),
    ]);
    expect(keys).toHaveLength(0);
    expect(await stub.peek(policy)).toBe(1);
  });
});
