#!/usr/bin/env node
// Worker heap while media uploads stream through it. Needs a running
// `npm run dev` (127.0.0.1:8787, wrangler's inspector on :9229) with demo data:
//
//   node bench/media-memory.mjs
//
// Samples the Worker isolate's memory (Runtime.getHeapUsage over the
// inspector: JS heap plus ArrayBuffer backing stores) every 25 ms during each
// upload and prints the peak above the baseline. Stream buffers inside the
// runtime are not in that figure; the optional RSS column (WORKERD_PID: the
// whole local workerd, R2 simulator included) bounds them from above.
import { readFileSync } from "node:fs";

const origin = process.env.ORIGIN ?? "http://127.0.0.1:8787";
const inspector = process.env.INSPECTOR ?? "http://127.0.0.1:9229";
const pub = process.env.PUB ?? "dispatch";
const MiB = 1024 * 1024;

const targets = await (await fetch(`${inspector}/json`)).json();
// The inspector proxy wants an Origin (undici lets us send one).
const ws = new WebSocket(targets[0].webSocketDebuggerUrl, { headers: { origin: inspector } });
await new Promise((resolve, reject) => {
  ws.onopen = resolve;
  ws.onerror = reject;
});
// The inspector socket does not keep Node's event loop alive on its own.
const keepAlive = setInterval(() => {}, 1000);
let seq = 0;
const pending = new Map();
ws.onclose = (e) => console.error(`inspector connection closed (${e.code})`);
ws.onmessage = (event) => {
  const msg = JSON.parse(event.data);
  pending.get(msg.id)?.(msg.result);
  pending.delete(msg.id);
};
/** One inspector call; null if it does not answer within 2 s. */
const cdp = (method, params = {}) =>
  new Promise((resolve) => {
    const id = ++seq;
    const timer = setTimeout(() => {
      pending.delete(id);
      resolve(null);
    }, 2000);
    pending.set(id, (result) => {
      clearTimeout(timer);
      resolve(result);
    });
    ws.send(JSON.stringify({ id, method, params }));
  });
/** JS heap plus ArrayBuffer backing stores: what the isolate holds, bytes in flight included. */
const heapUsed = async () => {
  const usage = await cdp("Runtime.getHeapUsage");
  return usage ? usage.usedSize + (usage.backingStorageSize ?? 0) : null;
};

function workerdRss() {
  // The local workerd that runs the Worker (and, locally, the R2 simulator).
  try {
    const pid = process.env.WORKERD_PID;
    if (!pid) return null;
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) * 1024;
  } catch {
    return null;
  }
}

async function sampled(label, run) {
  await cdp("HeapProfiler.collectGarbage");
  const base = (await heapUsed()) ?? 0;
  const rssBase = workerdRss();
  let peak = base;
  let rssPeak = rssBase ?? 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await heapUsed()) ?? 0);
      rssPeak = Math.max(rssPeak, workerdRss() ?? 0);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const started = Date.now();
  const result = await run();
  sampling = false;
  await sampler;
  const mb = (n) => `${(n / MiB).toFixed(1)} MiB`;
  console.log(
    `${label.padEnd(44)} ${String(result).padEnd(5)} isolate peak +${mb(peak - base)} (base ${mb(base)})` +
      (rssBase ? `, workerd RSS peak +${mb(rssPeak - rssBase)}` : "") +
      `, ${Date.now() - started} ms`,
  );
}

const login = await fetch(`${origin}/api/v1/auth/login`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ email: "demo@folio.example", password: "folio-demo-password" }),
});
const cookie = login.headers.get("set-cookie").split(";")[0];
const headers = { cookie, origin };

function pngLike(size) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  bytes.set([0, 0, 4, 0, 0, 0, 3, 0, 8, 2, 0, 0, 0], 16);
  return bytes;
}

const api = `${origin}/api/v1/publications/${pub}/media`;

await sampled("single POST, 19 MiB, Content-Length", async () => {
  const body = pngLike(19 * MiB);
  const res = await fetch(`${api}?filename=mem-fixed.png`, { method: "POST", headers, body });
  return res.status;
});

await sampled("single POST, 19 MiB, chunked (no length)", async () => {
  const bytes = pngLike(19 * MiB);
  let offset = 0;
  const body = new ReadableStream({
    pull(c) {
      if (offset >= bytes.length) return c.close();
      c.enqueue(bytes.subarray(offset, offset + 256 * 1024));
      offset += 256 * 1024;
    },
  });
  const res = await fetch(`${api}?filename=mem-chunked.png`, {
    method: "POST",
    headers,
    body,
    duplex: "half",
  });
  return res.status;
});

const big = pngLike(80 * MiB);
await sampled("multipart, 80 MiB in 16 parts", async () => {
  const bytes = big;
  const created = await fetch(`${api}/uploads`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ filename: "mem-multipart.png", size: bytes.length }),
  });
  const upload = await created.json();
  for (let n = 1; n <= upload.parts_total; n++) {
    const part = bytes.subarray((n - 1) * upload.part_size, n * upload.part_size);
    const res = await fetch(`${api}/uploads/${upload.id}/parts/${n}`, {
      method: "PUT",
      headers,
      body: part,
    });
    if (res.status !== 200) return res.status;
  }
  const done = await fetch(`${api}/uploads/${upload.id}/complete`, { method: "POST", headers });
  return done.status;
});

await sampled("GET the 80 MiB file back", async () => {
  const list = await (await fetch(`${api}?q=mem-multipart`, { headers })).json();
  const res = await fetch(`${origin}${list.data[0].url}`);
  let n = 0;
  for await (const chunk of res.body) n += chunk.length;
  return n === 80 * MiB ? res.status : `short ${n}`;
});

ws.close();
clearInterval(keepAlive);
process.exit(0);
