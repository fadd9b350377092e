// A tiny expect for the browser specs, on node:assert. For waiting on the page,
// use Playwright locators (`locator.waitFor()`, `page.waitForURL()`).
import assert from "node:assert/strict";

export function expect(actual, label = "value") {
  const what = (text) => `${label}: ${text}`;
  return {
    toBe: (expected) =>
      assert.equal(actual, expected, what(`expected ${fmt(expected)}, got ${fmt(actual)}`)),
    toEqual: (expected) => assert.deepEqual(actual, expected, what("not deeply equal")),
    toBeTruthy: () => assert.ok(actual, what(`expected truthy, got ${fmt(actual)}`)),
    toContain: (part) =>
      assert.ok(actual?.includes?.(part), what(`expected ${fmt(actual)} to contain ${fmt(part)}`)),
    toMatch: (re) => assert.match(String(actual), re, what(`expected to match ${re}`)),
    toBeGreaterThan: (n) => assert.ok(actual > n, what(`expected > ${n}, got ${fmt(actual)}`)),
  };
}

const fmt = (v) => {
  const s = typeof v === "string" ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
};
