#!/usr/bin/env node
// Loads a publication with many published posts through the running Worker's
// development-only bulk seed endpoint, in batches, with progress.
//   node scripts/seed-bulk.mjs --posts 10000 --publication bench [--origin http://127.0.0.1:8787]
import { parseArgs } from "node:util";

export async function seedBulk({
  origin,
  publication,
  posts,
  batch = 250,
  start = 0,
  log = console.log,
}) {
  const started = Date.now();
  let done = 0;
  let total = 0;
  while (done < posts) {
    const count = Math.min(batch, posts - done);
    const res = await fetch(`${origin}/api/dev/seed/bulk`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ publication, count, start: start + done }),
    });
    if (!res.ok) throw new Error(`bulk seed failed: HTTP ${res.status} ${await res.text()}`);
    total = (await res.json()).total;
    done += count;
    const pct = Math.round((done / posts) * 100);
    const rate = Math.round(done / ((Date.now() - started) / 1000));
    log(`  seeded ${done.toLocaleString()}/${posts.toLocaleString()} posts (${pct}%, ${rate}/s)`);
  }
  return total;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Parsed only when run as a command, so other scripts can import seedBulk.
  const { values } = parseArgs({
    options: {
      posts: { type: "string", default: "1000" },
      publication: { type: "string", default: "bench" },
      origin: { type: "string", default: "http://127.0.0.1:8787" },
      batch: { type: "string", default: "250" },
      start: { type: "string", default: "0" },
    },
  });
  const total = await seedBulk({
    origin: values.origin,
    publication: values.publication,
    posts: Number(values.posts),
    batch: Number(values.batch),
    start: Number(values.start),
  });
  console.log(`/@${values.publication} now has ${total.toLocaleString()} published posts.`);
}
