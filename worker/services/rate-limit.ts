import type { BucketPolicy, ConsumeResult } from "../../durable-objects/rate-limiter";
import type { Env } from "../env";
import { problem } from "../lib/problem";

/**
 * Named limits. Each key of each policy is its own `RateLimiter` object, so no
 * object sees more than one client's (or one account's) traffic.
 */
export const ratePolicies = {
  /** Log-in attempts against one account, from anywhere. */
  loginAccount: { capacity: 10, refillPerSecond: 10 / 900 },
  /** Log-in attempts from one client IP, whatever the account. */
  loginIp: { capacity: 20, refillPerSecond: 20 / 900 },
  signupIp: { capacity: 5, refillPerSecond: 5 / 3600 },
  tokenIp: { capacity: 30, refillPerSecond: 30 / 900 },
  passwordResetIp: { capacity: 5, refillPerSecond: 5 / 3600 },
  passwordResetAccount: { capacity: 3, refillPerSecond: 3 / 3600 },
  /** Writes through the API per client (user, key or IP). */
  apiWrite: { capacity: 120, refillPerSecond: 2 },
} satisfies Record<string, BucketPolicy>;

export type RatePolicyName = keyof typeof ratePolicies;

export async function consumeRate(
  env: Env,
  policy: RatePolicyName,
  key: string,
  cost = 1,
): Promise<ConsumeResult> {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${policy}:${key}`));
  return stub.consume(ratePolicies[policy], cost);
}

/** Spends one token or throws 429 with `Retry-After`. */
export async function enforceRate(env: Env, policy: RatePolicyName, key: string): Promise<void> {
  const result = await consumeRate(env, policy, key);
  if (!result.allowed) {
    throw problem(429, "Too many attempts. Try again later.", {
      headers: { "Retry-After": String(result.retryAfterSeconds) },
      extra: { retry_after: result.retryAfterSeconds },
    });
  }
}

/**
 * The client's address as Cloudflare saw it. `X-Forwarded-For` is never read:
 * a client can write anything there.
 */
export function clientIp(request: Request): string {
  return request.headers.get("cf-connecting-ip")?.trim() || "unknown";
}
