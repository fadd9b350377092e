// Turns a bench run into target verdicts and a readable Markdown report.

const GOALS = {
  cached: 0.6,
  uncached: 0.35,
  scale: { slug: 1.3, list: 1.3, tag: 1.3, search: 2 },
  postPageBytes: 30_000,
  bundleGzipBytes: 1024 * 1024,
};

const k = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));

export function summarize(results) {
  const scales = results.scales;
  const first = scales[0];
  const last = scales.at(-1);
  const label = scales.length > 1 ? `${k(last.posts)}/${k(first.posts)}` : null;

  const throughput = (kind, goal) =>
    scales.flatMap((s) =>
      Object.values(s.endpoints)
        .filter((e) => e.target === kind)
        .map((e) => ({ id: e.id, posts: s.posts, ratio: e.ratio, met: e.ratio >= goal })),
    );

  const growth = [];
  if (scales.length > 1) {
    for (const e of Object.values(first.endpoints)) {
      const end = last.endpoints[e.id];
      if (!e.scale || !end) continue;
      const goal = GOALS.scale[e.scale];
      // With a fixed number of connections, mean latency = connections ÷ throughput, so
      // (throughput ÷ floor at the small scale) ÷ (the same at the large scale) is the
      // latency growth with the machine's speed at that moment divided out. The verdict
      // uses it: raw latencies taken minutes apart on a shared machine move with
      // whatever else runs; both raw ratios are reported next to it.
      const normalized = e.ratio / end.ratio;
      growth.push({
        id: e.id,
        family: e.scale,
        goal,
        normalizedRatio: round(normalized),
        p50Ratio: round(end.latency.p50 / e.latency.p50),
        p99Ratio: round(end.latency.p99 / e.latency.p99),
        meanRatio: round(end.latency.mean / e.latency.mean),
        met: normalized <= goal,
      });
    }
  }

  const post = results.pageWeight.find((w) => !w.path.endsWith(`@bench`));
  const pages = results.pageWeight.map((w) => ({
    path: w.path,
    htmlCssGzip: w.html.gzip + w.css.gzip,
    htmlCssBrotli: w.html.brotli + w.css.brotli,
    jsFiles: w.js.files,
    inlineScripts: w.inlineScripts,
  }));
  return {
    scaleLabel: label,
    cached: throughput("cached", GOALS.cached),
    uncached: throughput("uncached", GOALS.uncached),
    growth,
    pages,
    postPage: post
      ? {
          htmlCssGzip: post.html.gzip + post.css.gzip,
          htmlCssBrotli: post.html.brotli + post.css.brotli,
          met: post.html.gzip + post.css.gzip <= GOALS.postPageBytes,
        }
      : null,
    noJs: pages.length ? pages.every((p) => p.jsFiles === 0 && p.inlineScripts === 0) : null,
    bundle: results.bundle
      ? {
          gzipBytes: results.bundle.gzipBytes,
          met: results.bundle.gzipBytes <= GOALS.bundleGzipBytes,
        }
      : null,
  };
}

const round = (n) => Math.round(n * 100) / 100;
const ms = (n) => (n == null ? "–" : n < 10 ? n.toFixed(2) : n.toFixed(1));
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const yes = (b) => (b == null ? "–" : b ? "✅ met" : "❌ missed");

function range(list) {
  if (!list.length) return "not measured";
  const lo = list.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  return `min ${lo.ratio.toFixed(2)} (${lo.id} @ ${k(lo.posts)})`;
}

export function renderMarkdown(r) {
  const s = r.summary;
  const env = r.environment;
  const out = [];
  const line = (t = "") => out.push(t);

  line(`# Folio bench: ${r.startedAt}`);
  line();
  line(
    `Commit \`${env.commit?.slice(0, 12) ?? "?"}\`${env.dirtyWorkingTree ? " (working tree has changes)" : ""} · Node ${env.node} · wrangler ${env.wrangler} · miniflare ${env.miniflare} (workerd ${env.workerd}) · autocannon ${env.autocannon}`,
  );
  line(
    `${env.cpus} × ${env.cpuModel} · load average ${env.loadAvgStart.map((l) => l.toFixed(1)).join("/")} at start, ${env.loadAvgEnd?.map((l) => l.toFixed(1)).join("/") ?? "?"} at end`,
  );
  const st = r.settings;
  line(
    `Scales ${st.scales.map(k).join(", ")} posts · ${st.connections} connections (save: ${st.saveConnections}) · ${st.warmup} s warm-up + ${st.duration} s per run · each endpoint in ${st.sliceSeconds} s slices alternating with ${st.floorSeconds} s floor slices${st.quick ? " · **quick mode**" : ""}${st.only ? ` · only \`${st.only}\`` : ""}`,
  );
  line();
  line(
    "Absolute numbers depend on the machine and whatever else runs on it; compare ratios to the floor (`/__floor`, measured in floor slices alternating with each endpoint's slices). Latencies are per response (hrtime), in ms, under the given connections. The save runs at fewer connections than its floor slices, so its ratio is not comparable.",
  );
  line();

  line("## Targets (issue 6)");
  line();
  line("| Target | Goal | Measured | Verdict |");
  line("|---|---|---|---|");
  const allMet = (list) => (list.length ? list.every((x) => x.met) : null);
  line(
    `| Cached post page / Content API read | ≥ 0.6 × floor | ${range(s.cached)} | ${yes(allMet(s.cached))} |`,
  );
  line(
    `| Uncached (D1) post read | ≥ 0.35 × floor | ${range(s.uncached)} | ${yes(allMet(s.uncached))} |`,
  );
  // What a D1-backed read cannot beat here: one round trip to local D1 and nothing else.
  const d1Floor = r.scales.flatMap((sc) => sc.endpoints["floor.d1"]?.ratio ?? []);
  if (d1Floor.length) {
    line(
      `| (context) one D1 round trip, no framework | – | ${Math.min(...d1Floor).toFixed(2)}–${Math.max(...d1Floor).toFixed(2)} × floor | ceiling for any D1-backed read on this runtime |`,
    );
  }
  for (const family of ["slug", "list", "tag", "search"]) {
    const g = s.growth.filter((x) => x.family === family);
    const worst = g.reduce((a, b) => (!a || b.normalizedRatio > a.normalizedRatio ? b : a), null);
    line(
      `| ${s.scaleLabel ?? "100k/1k"} latency ratio (floor-normalized): ${family} | ≤ ${family === "search" ? 2 : 1.3} | ${worst ? `max ${worst.normalizedRatio} (${worst.id}; raw p50 ${worst.p50Ratio})` : "needs two scales"} | ${yes(allMet(g))} |`,
    );
  }
  line(
    `| Reader pages need no JavaScript | 0 scripts | ${s.pages.map((p) => `${p.path}: ${p.jsFiles} files, ${p.inlineScripts} inline`).join("; ") || "–"} | ${yes(s.noJs)} |`,
  );
  line(
    `| Post page HTML+CSS compressed | ≤ 30 KB | ${s.postPage ? `${kb(s.postPage.htmlCssGzip)} gzip, ${kb(s.postPage.htmlCssBrotli)} brotli` : "–"} | ${yes(s.postPage?.met)} |`,
  );
  line(
    `| Worker bundle compressed | ≤ 1 MiB | ${r.bundle ? `${(r.bundle.gzipBytes / 1024).toFixed(0)} KiB gzip (wrangler: ${r.bundle.wranglerGzipKiB} KiB)` : "–"} | ${yes(s.bundle?.met)} |`,
  );
  const su = r.startup;
  line(
    `| Worker startup | report | ${su?.profile?.activeMs != null ? `${su.profile.activeMs} ms CPU (wrangler check startup)` : "–"}; ${su?.miniflare ? `first response ${su.miniflare.firstFloorMs.toFixed(0)} ms after Miniflare start` : ""} | – |`,
  );
  line();

  for (const scale of r.scales) {
    line(`## ${scale.posts.toLocaleString("en")} posts`);
    line();
    line(
      "| Endpoint | conn | req/s | p50 ms | p99 ms | floor req/s (same slices) | × floor | × Hono floor | Worker ms (Server-Timing) | cores: workerd + load tool | responses |",
    );
    line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (const e of Object.values(scale.endpoints)) {
      line(
        `| ${e.label} | ${e.connections} | ${e.rps} | ${ms(e.latency.p50)} | ${ms(e.latency.p99)} | ${Math.round(e.floorRps)} (p50 ${ms(e.floorLatency.p50)}) | **${e.ratio.toFixed(3)}** | ${e.ratioToHono == null ? "–" : e.ratioToHono.toFixed(2)} | ${ms(e.appMs)} | ${e.cores.workerd} + ${e.cores.harness} | ${responses(e)} |`,
      );
    }
    line();
  }

  if (s.growth.length) {
    line(`## Cost as data grows (${s.scaleLabel})`);
    line();
    const heads = r.scales.map((x) => `p50 @ ${k(x.posts)}`);
    line(
      `| Endpoint | ${heads.join(" | ")} | latency ratio (floor-normalized) | raw p50 ratio | raw p99 ratio | goal |`,
    );
    line(`|---|${heads.map(() => "---:").join("|")}|---:|---:|---:|---:|`);
    for (const g of s.growth) {
      const cells = r.scales.map((x) => ms(x.endpoints[g.id]?.latency.p50));
      line(
        `| ${g.id} | ${cells.join(" | ")} | **${g.normalizedRatio}** ${g.met ? "" : "❌"} | ${g.p50Ratio} | ${g.p99Ratio} | ≤ ${g.goal} |`,
      );
    }
    line();
    line(
      "Latency ratio (floor-normalized) = (throughput ÷ floor at the smallest scale) ÷ (the same at the largest). With a fixed number of connections mean latency is connections ÷ throughput, so this is the latency growth with the machine's speed at each moment divided out; the raw ratios compare runs taken minutes apart on a shared machine.",
    );
    line();
  }

  const profiled = r.scales.flatMap((x) =>
    Object.values(x.endpoints)
      .filter((e) => e.profile)
      .map((e) => ({ posts: x.posts, e })),
  );
  if (profiled.length) {
    line("## CPU profiles (`--profile`)");
    line();
    line(
      "Where the Worker's own isolate spends its CPU while one endpoint runs (V8 sampling profiler through workerd's inspector; owners from esbuild's module boundaries in the bundle). Indicative only: the inspector adds overhead (console.log in particular), and workerd runs every isolate, including Miniflare's D1/KV/Cache services, on one thread, so samples of one isolate can include time the thread spent elsewhere. The `.cpuprofile` files open in Chrome DevTools.",
    );
    line();
    line("| Endpoint | posts | Worker CPU by owner (share of sampled busy time) |");
    line("|---|---:|---|");
    for (const { posts, e } of profiled) {
      const owners = e.profile.worker.byOwner
        .slice(0, 6)
        .map((o) => `${o.owner} ${o.pctOfBusy}%`)
        .join(", ");
      line(`| ${e.id} | ${k(posts)} | ${owners} |`);
    }
    line();
    line("Top Worker functions by self time:");
    line();
    for (const { posts, e } of profiled) {
      line(
        `- ${e.id} @ ${k(posts)}: ${e.profile.worker.topFunctions
          .slice(0, 6)
          .map((f) => `\`${f.fn}\` ${f.pctOfBusy}%`)
          .join(", ")}`,
      );
    }
    line();
  }

  line("## Seeding");
  line();
  line("| Posts | Seconds | Posts/s |");
  line("|---|---:|---:|");
  for (const x of r.seeding)
    line(
      `| ${x.from.toLocaleString("en")} → ${x.to.toLocaleString("en")} | ${x.seconds} | ${x.postsPerSecond} |`,
    );
  line();

  if (r.pageWeight.length) {
    line("## Page weight (anonymous, as a browser fetches it)");
    line();
    line(
      "| Page | HTML (raw / gzip / br) | CSS files (raw / gzip / br) | JS files | inline scripts | total gzip | total brotli |",
    );
    line("|---|---|---|---:|---:|---:|---:|");
    for (const w of r.pageWeight) {
      line(
        `| \`${w.path}\` | ${w.html.raw} / ${w.html.gzip} / ${w.html.brotli} | ${w.css.files}: ${w.css.raw} / ${w.css.gzip} / ${w.css.brotli} | ${w.js.files} (${w.js.gzip} B gzip) | ${w.inlineScripts} | ${w.total.gzip} B | ${w.total.brotli} B |`,
      );
    }
    line();
    line(
      "Bytes; gzip level 6 and brotli quality 11 via node:zlib, each file compressed on its own as it would travel.",
    );
    line();
  }

  if (r.bundle) {
    const b = r.bundle;
    line("## Bundle and startup");
    line();
    line(
      `- Worker bundle (\`wrangler deploy --dry-run --outdir dist\`): ${b.rawBytes.toLocaleString("en")} B raw, ${b.gzipBytes.toLocaleString("en")} B gzip, ${b.brotliBytes.toLocaleString("en")} B brotli; wrangler reports ${b.wranglerTotalKiB} KiB / gzip ${b.wranglerGzipKiB} KiB. Static assets (build/client): ${b.clientAssetsBytes.toLocaleString("en")} B. Build ${(b.buildMs / 1000).toFixed(1)} s.`,
    );
    if (su?.profile) {
      line(
        `- Startup CPU profile (\`wrangler check startup\`, local workerd): ${su.profile.activeMs ?? "?"} ms active (${su.profile.gcMs ?? "?"} ms GC) in a ${su.profile.profileWindowMs ?? "?"} ms window.`,
      );
    }
    if (su?.miniflare) {
      const m = su.miniflare;
      line(
        `- Miniflare start → sockets ready ${m.readyMs.toFixed(0)} ms; → first \`/__floor\` 200 ${m.firstFloorMs.toFixed(0)} ms; → first \`/api/ping\` 200 ${m.firstHonoMs.toFixed(0)} ms.`,
      );
    }
    line();
  }
  if (r.worker) {
    line(`Worker log: ${r.worker.logLines} lines, ${r.worker.errorLines} that look like errors.`);
    if (r.worker.errorSamples?.length) {
      line();
      line("First error lines:");
      line();
      line("```");
      for (const sample of r.worker.errorSamples) line(sample);
      line("```");
    }
  }
  for (const n of r.notes) line(`- ${n}`);
  line();
  return out.join("\n");
}

function responses(e) {
  const status = Object.entries(e.status)
    .map(([code, n]) => `${code}×${n}`)
    .join(" ");
  const cache = Object.entries(e.xCache)
    .filter(([key]) => key !== "none")
    .map(([key, n]) => `${key} ${n}`)
    .join(", ");
  const errs = e.errors || e.timeouts ? `; errors ${e.errors}, timeouts ${e.timeouts}` : "";
  return `${status}${cache ? `; X-Cache ${cache}` : ""}${errs}`;
}
