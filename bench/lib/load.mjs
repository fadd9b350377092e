// Load with autocannon's programmatic API.
//
// The machine this runs on is shared (2 cores; other jobs come and go), so the
// floor is not measured once and divided into everything: each endpoint's run is
// cut into slices that alternate with short floor slices (F E F E … F), and its
// ratio is its throughput over the floor's throughput in the slices around it.
// Background load that changes over seconds then moves both sides of the ratio.
import { readdirSync, readFileSync } from "node:fs";
import autocannon from "autocannon";

/** workerd processes started by this Node process (Miniflare spawns them directly). */
function workerdPids() {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm === "workerd" && ppid === process.pid) pids.push(entry);
    } catch {
      // gone
    }
  }
  return pids;
}
let workerd = null;

/** CPU seconds used so far by this process (load generator) and by workerd (the Worker). */
function cpuNow() {
  workerd ??= workerdPids();
  let ticks = 0;
  for (const pid of workerd) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
    } catch {
      workerd = null;
    }
  }
  const u = process.cpuUsage();
  return { harness: (u.user + u.system) / 1e6, workerd: ticks / 100 };
}

// autocannon's own histogram keeps whole milliseconds; the floor answers in well
// under one, so latencies are taken from each response's hrtime duration instead.
function once(opts, samples) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    if (samples) instance.on("response", (_client, _status, _bytes, ms) => samples.push(ms));
  });
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * One autocannon run. spec: { path, nextPath(), method, headers, connections,
 * prepare(), setupRequest(req, context), onResponse(status, body, context, headers) }.
 * Returns raw samples and counts; `seconds` or `amount` bounds it.
 */
export async function slice(origin, spec, { seconds, amount, connections, record = true }) {
  const out = {
    samples: [],
    seconds: 0,
    status: {},
    xCache: {},
    errors: 0,
    timeouts: 0,
    appMs: 0,
    appCount: 0,
    cpu: { harness: 0, workerd: 0 },
  };
  const request = {
    method: spec.method ?? "GET",
    path: spec.path,
    setupRequest(req, context) {
      if (spec.nextPath) req.path = spec.nextPath();
      return spec.setupRequest ? spec.setupRequest(req, context) : req;
    },
    onResponse(status, body, context, rawHeaders) {
      // autocannon keeps the header names' case as sent.
      const headers = {};
      for (const [name, value] of Object.entries(rawHeaders ?? {}))
        headers[name.toLowerCase()] = value;
      if (record) {
        out.status[status] = (out.status[status] ?? 0) + 1;
        const xc = headers["x-cache"] ?? "none";
        out.xCache[xc] = (out.xCache[xc] ?? 0) + 1;
        // Server-Timing: app;dur=… is the Worker's own time for the request.
        const app = /(?:^|,)\s*app;dur=([\d.]+)/.exec(headers["server-timing"] ?? "");
        if (app) {
          out.appMs += Number(app[1]);
          out.appCount++;
        }
      }
      spec.onResponse?.(status, body, context, headers);
    },
  };
  if (spec.prepare) await spec.prepare();
  const cpu0 = cpuNow();
  const r = await once(
    {
      url: origin,
      connections: spec.connections ?? connections,
      pipelining: 1,
      timeout: 30,
      headers: spec.headers ?? {},
      ...(amount ? { amount } : { duration: seconds }),
      requests: [request],
    },
    record ? out.samples : null,
  );
  const cpu1 = cpuNow();
  out.cpu = { harness: cpu1.harness - cpu0.harness, workerd: cpu1.workerd - cpu0.workerd };
  out.seconds = r.duration;
  out.errors = r.errors;
  out.timeouts = r.timeouts;
  return out;
}

/** Several slices of one endpoint (or of the floor) as one measurement. */
export function combine(slices, connections) {
  const samples = Float64Array.from(slices.flatMap((s) => s.samples)).sort();
  const seconds = slices.reduce((a, s) => a + s.seconds, 0);
  const add = (key) => {
    const total = {};
    for (const s of slices)
      for (const [k, v] of Object.entries(s[key])) total[k] = (total[k] ?? 0) + v;
    return total;
  };
  const mean = samples.reduce((a, b) => a + b, 0) / (samples.length || 1);
  return {
    connections,
    slices: slices.length,
    seconds: round(seconds, 2),
    requests: samples.length,
    rps: round(seconds > 0 ? samples.length / seconds : 0, 1),
    latency: {
      mean: round(mean, 3),
      p50: round(percentile(samples, 50), 3),
      p90: round(percentile(samples, 90), 3),
      p99: round(percentile(samples, 99), 3),
      max: round(percentile(samples, 100), 3),
    },
    // Worker-reported time per request (Server-Timing app;dur), when present.
    appMs: (() => {
      const n = slices.reduce((a, s) => a + s.appCount, 0);
      return n ? round(slices.reduce((a, s) => a + s.appMs, 0) / n, 3) : null;
    })(),
    // Cores busy while it ran: this Node process (autocannon) and workerd (the Worker).
    cores: {
      harness: round(slices.reduce((a, s) => a + s.cpu.harness, 0) / (seconds || 1), 2),
      workerd: round(slices.reduce((a, s) => a + s.cpu.workerd, 0) / (seconds || 1), 2),
    },
    errors: slices.reduce((a, s) => a + s.errors, 0),
    timeouts: slices.reduce((a, s) => a + s.timeouts, 0),
    status: add("status"),
    xCache: add("xCache"),
  };
}

/**
 * Measures `spec` for `duration` seconds in slices of `sliceSeconds`, with a
 * floor slice of `floorSeconds` before the first and after every slice.
 * `amount` (fresh-slug endpoints) caps the total request count instead.
 */
export async function alternate(origin, spec, floorSpec, settings, { amount } = {}) {
  const { duration, warmup, connections, sliceSeconds, floorSeconds } = settings;
  const conns = spec.connections ?? connections;
  if (warmup > 0 && !amount)
    await slice(origin, spec, { seconds: warmup, connections, record: false });
  const n = Math.max(1, Math.round(duration / sliceSeconds));
  const floors = [await slice(origin, floorSpec, { seconds: floorSeconds, connections })];
  const parts = [];
  for (let i = 0; i < n; i++) {
    const bound = amount
      ? { amount: Math.max(conns, Math.ceil(amount / n)) }
      : { seconds: duration / n };
    parts.push(await slice(origin, spec, { ...bound, connections }));
    floors.push(await slice(origin, floorSpec, { seconds: floorSeconds, connections }));
  }
  const endpoint = combine(parts, conns);
  const floor = combine(floors, floorSpec.connections ?? connections);
  // Per slice: endpoint rps over the mean of the floor slices on either side.
  const pairs = parts.map((p, i) => {
    const f = (rate(floors[i]) + rate(floors[i + 1])) / 2;
    return f > 0 ? rate(p) / f : null;
  });
  const ratio = endpoint.rps / floorAround(floors);
  return {
    endpoint,
    floor,
    ratio: round(ratio, 3),
    sliceRatios: pairs.map((x) => round(x, 3)),
  };
}

const rate = (s) => (s.seconds > 0 ? s.samples.length / s.seconds : 0);
// Each inner floor slice sits between two endpoint slices; weight it twice, as the pairs do.
function floorAround(floors) {
  let sum = 0;
  let weight = 0;
  floors.forEach((f, i) => {
    const w = i === 0 || i === floors.length - 1 ? 1 : 2;
    sum += w * rate(f);
    weight += w;
  });
  return weight ? sum / weight : 0;
}

const round = (n, d) => (n == null ? null : Math.round(n * 10 ** d) / 10 ** d);
