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

/**
 * Runs `fn` while workerd isolates are sampled (by default every one: the
 * Worker is `core:user:<name>`; Miniflare's D1, KV, Cache API, assets router and
 * entry are others). Returns { result, profiles: { target → V8 CPU profile } }.
 */
export async function profileDuring(port, fn, { intervalUs = 200, only } = {}) {
  const targets = (await inspectorTargets(port)).filter(
    (t) => !/MINIFLARE_DEV_CONTROL/.test(t) && (!only || t.endsWith(`/${only}`)),
  );
  const sessions = [];
  for (const url of targets) {
    try {
      const session = await Session.open(url);
      await session.send("Profiler.enable");
      await session.send("Profiler.setSamplingInterval", { interval: intervalUs });
      sessions.push([url.replace(/^.*\/\/[^/]+\//, ""), session]);
    } catch {
      // a service without an isolate
    }
  }
  if (!sessions.length) throw new Error(`inspector on port ${port}: no target ${only ?? ""}`);
  try {
    await Promise.all(sessions.map(([, s]) => s.send("Profiler.start")));
    const result = await fn();
    const profiles = {};
    for (const [name, session] of sessions) {
      profiles[name] = (await session.send("Profiler.stop")).profile;
      await session.send("Profiler.disable");
    }
    return { result, profiles };
  } finally {
    for (const [, session] of sessions) session.close();
  }
}

/**
 * Which module each line of the bundle belongs to, from the `// node_modules/pkg/…`
 * and `// worker/…` comments esbuild writes at every module boundary.
 */
function moduleIndex(bundlePath) {
  if (!existsSync(bundlePath)) return null;
  const starts = [];
  readFileSync(bundlePath, "utf8")
    .split("\n")
    .forEach((line, i) => {
      const m = /^\/\/ ((?:node_modules|worker|app|durable-objects|build)\/\S+)$/.exec(line);
      if (m) starts.push([i, m[1]]);
    });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) {
        found = starts[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
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

/** "hono", "drizzle-orm", "worker/services/reading.ts", "build/server (Remix routes)", … */
function ownerOf(modulePath) {
  if (!modulePath) return "(bundle, unknown module)";
  const nm = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(modulePath);
  if (nm) return nm[1];
  return modulePath.startsWith("build/server") ? "build/server (Remix routes)" : modulePath;
}

/**
 * Self time by owner (package or source file) and the top functions. Only the
 * Worker's isolate: D1, KV and the Cache API run in other isolates locally.
 */
export function summarizeProfile(profile, bundlePath, top = 12) {
  const map = loadSourceMap(bundlePath);
  const moduleAt = moduleIndex(bundlePath);
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
    } else if (/index\.js$/.test(f.url)) {
      owner = ownerOf(moduleAt?.(f.lineNumber));
      const entry = map?.findEntry(f.lineNumber, f.columnNumber);
      where = entry?.originalSource
        ? `${entry.originalSource.replace(/^(\.\.\/)+/, "")}:${entry.originalLine + 1}`
        : `index.js:${f.lineNumber + 1}`;
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
