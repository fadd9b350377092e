#!/usr/bin/env node
// `npm test`: build the Remix app (the Worker imports build/server), run vitest
// inside workerd, and end with ONE line `N passed, N failed` that CI reads.
// Extra arguments go to vitest: `npm test -- test/health.test.ts`.
// Counts also land in test-results/unit.json for .ci/run to add up.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const resultsDir = "test-results";
const vitestJson = join(resultsDir, "vitest.json");
const summaryJson = join(resultsDir, "unit.json");
mkdirSync(resultsDir, { recursive: true });
// A report left by an earlier run must never be read as this run's result.
rmSync(vitestJson, { force: true });
rmSync(summaryJson, { force: true });

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: "inherit" });
  if (result.error) console.error(result.error.message);
  return result.status ?? 1;
}

function finish(passed, failed, exitCode, note) {
  writeFileSync(summaryJson, `${JSON.stringify({ passed, failed, exitCode }, null, 2)}\n`);
  if (note) console.log(note);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(exitCode);
}

console.log("▸ Building the Remix app (npx remix vite:build)");
const buildCode = run("npx", ["remix", "vite:build"]);
if (buildCode !== 0) finish(0, 0, buildCode, `✗ Build failed (exit ${buildCode}); no tests ran.`);

console.log("▸ Running vitest");
const code = run("npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile=${vitestJson}`,
  ...process.argv.slice(2),
]);

if (!existsSync(vitestJson)) {
  finish(0, 0, code || 1, `✗ vitest exited ${code} without writing ${vitestJson}.`);
}
const report = JSON.parse(readFileSync(vitestJson, "utf8"));
const passed = report.numPassedTests ?? 0;
// A test file that fails before any test runs (import or setup error) has no
// failed test of its own; count it as one so the line never says "0 failed"
// for a red run.
const brokenFiles = (report.testResults ?? []).filter(
  (file) =>
    file.status === "failed" &&
    !(file.assertionResults ?? []).some((test) => test.status === "failed"),
).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
let note;
if (code !== 0 && failed === 0) {
  note =
    (report.numTotalTests ?? 0) === 0
      ? `✗ vitest exited ${code} and ran no tests (see above).`
      : `✗ vitest exited ${code} although no test failed (unhandled errors? see above).`;
}
finish(passed, failed, code, note);
