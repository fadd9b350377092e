import { createHash } from "node:crypto";
import type { Env } from "../env";

const PAGE_ROWS = 500;
// R2 multipart parts must be at least 5 MiB, except the last.
const PART_BYTES = 5 * 1024 * 1024;

export interface BackupManifest {
  id: string;
  created_at: string;
  tables: { name: string; key: string; rows: number; bytes: number; sha256: string }[];
}

/**
 * Exports every application table to R2 as NDJSON (one object per table) plus a
 * manifest with row counts and sha256 sums. FTS tables and their shadow tables
 * are skipped: the search index is rebuilt from the data on restore. Rows are
 * paged by rowid and parts streamed with multipart upload, so memory stays
 * flat whatever the table size.
 */
export async function backupDatabase(env: Env, now = new Date()): Promise<BackupManifest> {
  const id = now.toISOString().replace(/[:.]/g, "-");
  const prefix = `backups/${id}`;
  const manifest: BackupManifest = { id, created_at: now.toISOString(), tables: [] };

  for (const table of await listTables(env.DB)) {
    manifest.tables.push(await exportTable(env, table, `${prefix}/${table}.ndjson`));
  }
  await env.MEDIA.put(`${prefix}/manifest.json`, JSON.stringify(manifest, null, 2), {
    httpMetadata: { contentType: "application/json" },
  });
  console.log(
    JSON.stringify({ level: "info", msg: "backup written", id, tables: manifest.tables.length }),
  );
  return manifest;
}

export async function listTables(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT name, sql FROM sqlite_master
       WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'
         AND name NOT LIKE 'd1_%' ORDER BY name`,
    )
    .all<{ name: string; sql: string }>();
  const virtual = results.filter((t) => /CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  const isFtsShadow = (name: string) => virtual.some((v) => name.startsWith(`${v}_`));
  return results.map((t) => t.name).filter((name) => !virtual.includes(name) && !isFtsShadow(name));
}

async function exportTable(env: Env, table: string, key: string) {
  const upload = await env.MEDIA.createMultipartUpload(key, {
    httpMetadata: { contentType: "application/x-ndjson" },
  });
  const hash = createHash("sha256");
  const encoder = new TextEncoder();
  const parts: R2UploadedPart[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let rows = 0;
  let bytes = 0;

  const flush = async () => {
    const body = concat(pending, pendingBytes);
    parts.push(await upload.uploadPart(parts.length + 1, body));
    pending = [];
    pendingBytes = 0;
  };

  try {
    let lastRowid = 0;
    for (;;) {
      const { results } = await env.DB.prepare(
        `SELECT rowid AS __rowid, * FROM "${table}" WHERE rowid > ?1 ORDER BY rowid LIMIT ${PAGE_ROWS}`,
      )
        .bind(lastRowid)
        .all<Record<string, unknown> & { __rowid: number }>();
      for (const { __rowid, ...row } of results) {
        const line = encoder.encode(`${JSON.stringify(row)}\n`);
        hash.update(line);
        pending.push(line);
        pendingBytes += line.byteLength;
        bytes += line.byteLength;
        rows++;
        lastRowid = __rowid;
      }
      if (pendingBytes >= PART_BYTES) await flush();
      if (results.length < PAGE_ROWS) break;
    }
    if (pendingBytes > 0 || parts.length === 0) await flush();
    await upload.complete(parts);
  } catch (err) {
    await upload.abort();
    throw err;
  }
  return { name: table, key, rows, bytes, sha256: hash.digest("hex") };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
