import { afterEach, describe, expect, it, vi } from "vitest";
import { call, jsonRequest } from "../helpers";

afterEach(() => vi.restoreAllMocks());

describe("request id", () => {
  it("creates one when the client sends none", async () => {
    const res = await call("/api/health");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps a valid incoming id and replaces an invalid one", async () => {
    const kept = await call("/api/nope", { headers: { "x-request-id": "client-req-12345" } });
    expect(kept.headers.get("x-request-id")).toBe("client-req-12345");
    const body = await kept.json<{ instance: string }>();
    expect(body.instance).toBe("urn:folio:request:client-req-12345");

    const replaced = await call("/api/nope", {
      headers: { "x-request-id": "<script>bad id</script>" },
    });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("request log", () => {
  it("writes one JSON line per request, without the query string", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const res = await call("/api/nope?token=secret-value", {
      headers: {
        "x-request-id": "log-test-000001",
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      },
    });
    expect(res.status).toBe(404);
    const lines = log.mock.calls
      .map((args) => String(args[0]))
      .filter((l) => l.includes('"msg":"request"'));
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({
      msg: "request",
      request_id: "log-test-000001",
      trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
      method: "GET",
      path: "/api/nope",
      status: 404,
    });
    expect(typeof entry.duration_ms).toBe("number");
    expect(lines[0]).not.toContain("secret-value");
  });
});

describe("security headers", () => {
  it("are on API responses", async () => {
    const res = await call("/api/health");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("server-timing")).toMatch(/app;dur=/);
  });

  it("give every page a fresh CSP nonce", async () => {
    const nonceOf = async () => {
      const res = await call("/");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      return /'nonce-([^']+)'/.exec(csp)?.[1];
    };
    const [a, b] = [await nonceOf(), await nonceOf()];
    expect(a).toBeTruthy();
    expect(a).not.toBe(b);
  });
});

describe("CORS", () => {
  it("opens the Content API to any origin, never with credentials", async () => {
    const res = await call("/api/v1/content/anything", {
      headers: { origin: "https://elsewhere.example" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("answers preflight for a configured origin with credentials", async () => {
    const res = await call("/api/health", {
      method: "OPTIONS",
      headers: { origin: "http://localhost:8787", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:8787");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-headers")).toContain("Idempotency-Key");
  });

  it("gives an unknown origin no CORS grant on the Admin API", async () => {
    const res = await call("/api/health", { headers: { origin: "https://evil.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("vary")).toContain("Origin");
    const preflight = await call("/api/health", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "DELETE" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("problem+json errors", () => {
  it("answers unknown API routes with JSON 404, not a page", async () => {
    const res = await call("/api/v1/does-not-exist");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ status: 404, code: "not_found", title: "Not found" });
    expect(String(body.type)).toMatch(/^https:\/\//);
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const res = await call("/api/health", jsonRequest("DELETE", {}));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("GET");
    expect((await res.json<{ code: string }>()).code).toBe("method_not_allowed");
  });

  it("refuses a body over the limit with 413 before reading it", async () => {
    const res = await call("/api/health", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(5 * 1024 * 1024) },
      body: "{}",
    });
    expect(res.status).toBe(413);
    expect((await res.json<{ code: string }>()).code).toBe("payload_too_large");
  });
});
