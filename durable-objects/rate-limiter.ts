import { DurableObject } from "cloudflare:workers";

export interface BucketPolicy {
  /** Most tokens the bucket holds: the burst a client may spend at once. */
  capacity: number;
  /** Tokens added back per second. */
  refillPerSecond: number;
}

export interface ConsumeResult {
  allowed: boolean;
  /** Whole tokens left after this call. */
  remaining: number;
  /** Seconds until one token is available again (0 when allowed). */
  retryAfterSeconds: number;
}

interface BucketState {
  tokens: number;
  updatedAt: number;
}

/**
 * One exact token bucket per key (`idFromName("login-ip:203.0.113.9")`).
 *
 * The state lives in the object's SQLite storage, so it survives eviction and
 * restarts. `consume` reads and writes synchronously with no await in between,
 * so concurrent calls are serialized by the object and never double-spend a
 * token. When the bucket has refilled completely an alarm deletes its storage:
 * idle keys cost nothing.
 */
export class RateLimiter extends DurableObject {
  consume(policy: BucketPolicy, cost = 1): ConsumeResult {
    const now = Date.now();
    const state = this.refilled(policy, now);

    const allowed = state.tokens >= cost;
    if (allowed) state.tokens -= cost;
    this.ctx.storage.kv.put<BucketState>("bucket", { tokens: state.tokens, updatedAt: now });

    const msUntilFull = ((policy.capacity - state.tokens) / policy.refillPerSecond) * 1000;
    void this.ctx.storage.setAlarm(now + Math.max(1000, Math.ceil(msUntilFull)));

    return {
      allowed,
      remaining: Math.floor(state.tokens),
      retryAfterSeconds: allowed
        ? 0
        : Math.max(1, Math.ceil((cost - state.tokens) / policy.refillPerSecond)),
    };
  }

  /** Tokens currently available, without spending any. */
  peek(policy: BucketPolicy): number {
    return Math.floor(this.refilled(policy, Date.now()).tokens);
  }

  /** Liveness check for /api/health: a real round trip through storage. */
  ping(): { ok: true; storedAt: number } {
    const storedAt = Date.now();
    this.ctx.storage.kv.put("ping", storedAt);
    return { ok: true, storedAt: this.ctx.storage.kv.get<number>("ping") ?? 0 };
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  private refilled(policy: BucketPolicy, now: number): BucketState {
    const saved = this.ctx.storage.kv.get<BucketState>("bucket");
    if (!saved) return { tokens: policy.capacity, updatedAt: now };
    const elapsedSeconds = Math.max(0, now - saved.updatedAt) / 1000;
    return {
      tokens: Math.min(policy.capacity, saved.tokens + elapsedSeconds * policy.refillPerSecond),
      updatedAt: now,
    };
  }
}
