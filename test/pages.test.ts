import { describe, expect, it } from "vitest";
import { call } from "./helpers";

describe("Remix pages through the Worker", () => {
  it("renders the landing page as complete HTML with landmarks", async () => {
    const res = await call("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("<main");
    expect(html).toContain("Publications that load before the reader blinks.");
    expect(html).toMatch(/<header[^>]*class="site-header"/);
    expect(html).toContain('<html lang="en"');
    // Reader-facing pages ship no client JavaScript.
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it("shows the friendly error page for an unknown page", async () => {
    const res = await call("/no/such/page");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("Page not found");
    expect(html).not.toMatch(/at \w+ \(|stack/i);
  });

  it("puts the response's nonce on every inline script", async () => {
    const res = await call("/no/such/page");
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1] ?? "");
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) expect(attrs).toContain(`nonce="${nonce}"`);
  });
});
