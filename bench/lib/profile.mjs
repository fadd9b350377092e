// CPU profiles of the running Worker through workerd's V8 inspector (Chrome
// DevTools protocol), summarized by package with the bundle's source map.
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";

class Session {
  static async open(url) {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve, { once: true });
      ws.addEventListener("error", () => reject(new Error(`inspector: cannot open ${url}`)), {
        once: true,
      });
    });
    return new Session(ws);
  }
  constructor(ws) {
    this.ws = ws;
    this.id = 0;
    this.pending = new Map();
    ws.addEventListener("message", (event) => {
      const msg = JSON.parse(String(event.data));
      const done = msg.id && this.pending.get(msg.id);
      if (!done) return;
      this.pending.delete(msg.id);
      if (msg.error) done.reject(new Error(`${msg.error.message} (${msg.error.code})`));
      else done.resolve(msg.result);
    });
  }
  send(method, params = {}) {
    const id = ++this.id;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
  close() {
    this.ws.close();
  }
}

/** Isolates workerd exposes to the inspector: the Worker and Miniflare's binding services. */
export async function inspectorTargets(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/json/list`);
    if (res.ok) return (await res.json()).map((t) => t.webSocketDebuggerUrl ?? t.id);
  } catch {
    // no listing endpoint
  }
  return [];
}

/** Runs `fn` while the Worker's isolate is sampled; returns the V8 CPU profile. */
export async function profileDuring(port, workerName, fn, { intervalUs = 200 } = {}) {
  const session = await Session.open(`ws://127.0.0.1:${port}/core:user:${workerName}`);
  try {
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: intervalUs });
    await session.send("Profiler.start");
    await fn();
    const { profile } = await session.send("Profiler.stop");
    await session.send("Profiler.disable");
    return profile;
  } finally {
    session.close();
  }
}

function loadSourceMap(bundlePath) {
  const mapPath = `${bundlePath}.map`;
  if (!existsSync(mapPath)) return null;
  try {
    return new SourceMap(JSON.parse(readFileSync(mapPath, "utf8")));
  } catch {
    return null;
  }
}

/** "hono", "drizzle-orm", "worker/services/reading.ts", "(garbage collector)", … */
function ownerOf(source) {
  if (!source) return "(unmapped bundle code)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (nm) return nm[1];
  const own = /(worker|app|durable-objects|build\/server)\/.*$/.exec(source);
  return own ? own[0].replace(/^build\/server\/.*/, "build/server (Remix routes)") : source;
}

/**
 * Self time by owner (package or source file) and the top functions. Only the
 * Worker's isolate: D1, KV and the Cache API run in other isolates locally.
 */
export function summarizeProfile(profile, bundlePath, top = 12) {
  const map = loadSourceMap(bundlePath);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + Math.max(0, dt));
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const owners = new Map();
  const functions = new Map();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame: f } = byId.get(id);
    let owner;
    let where = "";
    if (/^\((idle|program|garbage collector|root)\)$/.test(f.functionName)) {
      owner = f.functionName;
      if (owner === "(idle)") idleUs += us;
    } else if (!f.url) {
      owner = "(runtime built-ins)";
    } else if (map && /index\.js$/.test(f.url)) {
      const entry = map.findEntry(f.lineNumber, f.columnNumber);
      owner = ownerOf(entry?.originalSource);
      where = entry?.originalSource
        ? `${entry.originalSource.replace(/^.*node_modules\//, "")}:${entry.originalLine + 1}`
        : "";
    } else {
      owner = f.url.replace(/^.*\//, "");
    }
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    if (!f.functionName.startsWith("(")) {
      const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
      functions.set(key, (functions.get(key) ?? 0) + us);
    }
  }
  const busyUs = totalUs - idleUs;
  const pct = (us) => Math.round((1000 * us) / (busyUs || 1)) / 10;
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    sampledMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    byOwner: sorted(owners)
      .filter(([o]) => o !== "(idle)")
      .slice(0, top)
      .map(([owner, us]) => ({ owner, ms: Math.round(us / 1000), pctOfBusy: pct(us) })),
    topFunctions: sorted(functions)
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: Math.round(us / 1000), pctOfBusy: pct(us) })),
  };
}
