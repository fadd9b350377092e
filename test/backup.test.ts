import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { backupDatabase } from "../worker/services/backup";

async function sha256(text: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("backup to R2", () => {
  it("exports every table as NDJSON with a manifest whose counts and sums match", async () => {
    const id = crypto.randomUUID();
    await env.DB.prepare("INSERT INTO users (id, email, handle) VALUES (?1, ?2, ?3)")
      .bind(id, `${id}@example.com`, `h-${id.slice(0, 8)}`)
      .run();
    const manifest = await backupDatabase(env, new Date("2026-01-02T03:04:05Z"));
    const users = manifest.tables.find((t) => t.name === "users");
    expect(users).toBeDefined();
    expect(manifest.tables.map((t) => t.name)).not.toContain("d1_migrations");

    const object = await env.MEDIA.get(users!.key);
    const text = await object!.text();
    const lines = text.trim().split("\n");
    expect(lines).toHaveLength(users!.rows);
    expect(lines.map((l) => JSON.parse(l).id)).toContain(id);
    expect(await sha256(text)).toBe(users!.sha256);

    const stored = await env.MEDIA.get(`backups/${manifest.id}/manifest.json`);
    expect(await stored!.json()).toEqual(manifest);
  });
});
