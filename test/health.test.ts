import { describe, expect, it } from "vitest";
import { call } from "./helpers";

describe("GET /api/health", () => {
  it("round-trips every binding and answers 200", async () => {
    const res = await call("/api/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json<{
      status: string;
      bindings: Record<string, { status: string; latency_ms: number }>;
    }>();
    expect(body.status).toBe("ok");
    expect(Object.keys(body.bindings).sort()).toEqual([
      "d1",
      "durable_objects",
      "kv",
      "queue",
      "r2",
    ]);
    for (const check of Object.values(body.bindings)) {
      expect(check.status).toBe("up");
      expect(check.latency_ms).toBeGreaterThanOrEqual(0);
    }
  });
});
