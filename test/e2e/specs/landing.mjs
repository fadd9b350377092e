// The public landing page renders, is accessible enough to have its landmarks,
// and the platform behind it reports every binding up.
export const name = "Landing page and health check";

export async function run({ page, origin, screenshot, expect }) {
  const res = await page.goto(`${origin}/`);
  expect(res?.status(), "GET / status").toBe(200);

  const h1 = page.getByRole("heading", { level: 1 });
  expect((await h1.textContent())?.trim(), "h1").toBe(
    "Publications that load before the reader blinks.",
  );
  expect(await page.getByRole("main").count(), "<main> landmarks").toBe(1);
  await page.waitForLoadState("load");
  await screenshot();

  const health = await page.request.get(`${origin}/api/health`);
  expect(health.status(), "GET /api/health status").toBe(200);
  const report = await health.json();
  expect(report.status, "health status").toBe("ok");
  const bindings = Object.keys(report.bindings).sort();
  expect(bindings, "bindings").toEqual(["d1", "durable_objects", "kv", "queue", "r2"]);
  for (const [binding, check] of Object.entries(report.bindings)) {
    expect(check.status, `binding ${binding}`).toBe("up");
  }
}
