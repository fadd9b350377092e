// Production build for the bench: the same bundle `wrangler deploy` would upload.
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

function run(cmd, args, { log, echo = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" },
    });
    let out = "";
    const onData = (chunk) => {
      const text = chunk.toString();
      out += text;
      if (echo) for (const line of text.split("\n")) if (line.trim()) log?.(`    ${line}`);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out.slice(-4000)}`));
    });
  });
}

// FORCE_COLOR=0 is not honoured everywhere; drop ANSI colour codes before parsing.
const ESC = String.fromCharCode(27);
const stripAnsi = (s) => s.replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "");

/**
 * Builds the Remix app and bundles the Worker with `wrangler deploy --dry-run`,
 * then copies what the bench serves into `workDir`, so a build started by
 * someone else in the same checkout cannot swap files under a running bench.
 */
export async function buildWorker({ workDir, log }) {
  const toml = readFileSync("wrangler.toml", "utf8");
  const hasBuildCommand = /^\[build\][^[]*^command\s*=/m.test(toml);
  for (let attempt = 1; ; attempt++) {
    const t0 = performance.now();
    if (!hasBuildCommand) {
      log("▸ Building the Remix app (npx remix vite:build)");
      await run("npx", ["remix", "vite:build"], { log });
    } else {
      log(
        "▸ Building: wrangler.toml's [build] command (npx remix vite:build) runs inside the dry-run",
      );
    }
    log("▸ Bundling the Worker (npx wrangler deploy --dry-run --outdir dist)");
    let out;
    try {
      out = stripAnsi(
        await run(
          "npx",
          [
            "wrangler",
            "deploy",
            "--dry-run",
            "--env",
            "",
            "--outdir",
            "dist",
            "--outfile",
            "dist/worker.bundle",
          ],
          { log },
        ),
      );
    } catch (error) {
      // Another build in the same checkout (tests, typecheck) can empty build/ under us.
      if (attempt >= 3) throw error;
      log(`  the build failed (${firstError(error.message)}); building again`);
      continue;
    }
    const buildMs = performance.now() - t0;
    const upload = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(out);

    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(join(workDir, "worker"), { recursive: true });
    cpSync("dist/index.js", join(workDir, "worker", "index.js"));
    if (existsSync("dist/index.js.map")) {
      cpSync("dist/index.js.map", join(workDir, "worker", "index.js.map"));
    }
    cpSync("dist/worker.bundle", join(workDir, "worker.bundle"));
    cpSync("build/client", join(workDir, "client"), { recursive: true });

    // Every hashed asset the server build links to must be in the copy; if not, a
    // concurrent build replaced build/client between the bundle and the copy.
    const source = readFileSync(join(workDir, "worker", "index.js"), "utf8");
    const referenced = new Set(
      [...source.matchAll(/\/assets\/([A-Za-z0-9._$-]+\.(?:js|css))/g)].map((m) => m[1]),
    );
    const present = new Set(readdirSync(join(workDir, "client", "assets")));
    const missing = [...referenced].filter((f) => !present.has(f));
    if (missing.length) {
      if (attempt >= 3)
        throw new Error(`build/client does not match the bundle: ${missing.join(", ")}`);
      log(`  build/client changed during the build (missing ${missing[0]}); building again`);
      continue;
    }

    const code = readFileSync(join(workDir, "worker", "index.js"));
    const bundle = {
      rawBytes: code.length,
      gzipBytes: gzipSync(code).length,
      brotliBytes: brotliCompressSync(code, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
      }).length,
      wranglerTotalKiB: upload ? Number(upload[1]) : null,
      wranglerGzipKiB: upload ? Number(upload[2]) : null,
      clientAssetsBytes: dirBytes(join(workDir, "client")),
      buildMs,
    };
    log(
      `  Bundle: ${kib(bundle.rawBytes)} KiB raw, ${kib(bundle.gzipBytes)} KiB gzip (wrangler: ${bundle.wranglerTotalKiB} KiB / gzip ${bundle.wranglerGzipKiB} KiB); built in ${(buildMs / 1000).toFixed(1)} s`,
    );
    return { bundle, metadata: readMetadata(join(workDir, "worker.bundle")) };
  }
}

const kib = (n) => (n / 1024).toFixed(1);
const firstError = (text) =>
  stripAnsi(text)
    .split("\n")
    .find((l) => /ERROR|Missing|Error:/.test(l))
    ?.trim()
    .slice(0, 160) ?? "see output";

function dirBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

/** The upload metadata (bindings, compatibility) from the multipart body wrangler wrote. */
function readMetadata(path) {
  const text = readFileSync(path, "latin1");
  const start = text.indexOf('{"main_module"');
  if (start < 0) throw new Error(`no metadata part in ${path}`);
  const end = text.indexOf("\r\n", start);
  return JSON.parse(Buffer.from(text.slice(start, end), "latin1").toString("utf8"));
}

/**
 * `wrangler check startup` on the bundle: a CPU profile of the Worker's startup
 * in local workerd. Returns the active (non-idle) CPU time it reports.
 */
export async function profileStartup({ workDir, log }) {
  const outfile = join(workDir, "startup.cpuprofile");
  log("▸ Profiling Worker startup (npx wrangler check startup --worker <bundle>)");
  try {
    const out = stripAnsi(
      await run("npx", [
        "wrangler",
        "check",
        "startup",
        "--worker",
        join(workDir, "worker.bundle"),
        "--outfile",
        outfile,
      ]),
    );
    const active =
      /Active:\s*([\d.]+)\s*ms(?:\s*\(including\s*([\d.]+)\s*ms garbage collection\))?/.exec(out);
    const window = /Profile window:\s*([\d.]+)\s*ms/.exec(out);
    const result = {
      activeMs: active ? Number(active[1]) : null,
      gcMs: active?.[2] ? Number(active[2]) : null,
      profileWindowMs: window ? Number(window[1]) : null,
      profile: existsSync(outfile) ? outfile : null,
    };
    log(
      `  Startup CPU (local workerd profile): ${result.activeMs} ms active, ${result.gcMs} ms of it GC`,
    );
    return result;
  } catch (error) {
    log(`  wrangler check startup failed: ${String(error.message).split("\n")[0]}`);
    return { activeMs: null, error: String(error.message).slice(0, 500) };
  }
}

export { run };
