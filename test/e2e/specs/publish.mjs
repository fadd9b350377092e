// Write, publish and read a post: the demo owner drafts a post in the editor,
// publishes it, and an anonymous reader opens it on the publication's site.
export const name = "Write, publish and read a post";

export async function run({ page, origin, screenshot, expect }) {
  const stamp = Date.now().toString(36);
  const title = `Harbour lights ${stamp}`;
  const paragraph = `The ferry left at dawn and the harbour lights went out one by one (${stamp}).`;

  // Sign in as the seeded demo owner.
  await page.goto(`${origin}/login`);
  await page.getByLabel(/^E-mail\b/).fill("demo@folio.example");
  await page.getByLabel("Password", { exact: true }).fill("folio-demo-password");
  await page.getByRole("button", { name: /log in/i }).click();
  await page.waitForURL((url) => url.pathname.startsWith("/admin"));

  // A new draft opens in the editor.
  await page.goto(`${origin}/admin/dispatch/posts/new`);
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByRole("button", { name: "Create draft" }).click();
  await page.waitForURL(/\/admin\/dispatch\/posts\/[0-9a-f-]{36}$/);
  await page.waitForLoadState("networkidle");

  const body = page.getByLabel("Body (Markdown)");
  await body.fill(`## Morning\n\n${paragraph}\n\n- ropes\n- gulls`);
  // The live preview renders while typing (the editor hydrates).
  await page.locator("h2", { hasText: "Morning" }).first().waitFor();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText(/Saved/).first().waitFor();
  await screenshot("editor");

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page
    .getByText(/published/i)
    .first()
    .waitFor();

  // An anonymous reader (fresh context, no cookie) reads it on the site.
  const reader = await page.context().browser().newContext();
  const readerPage = await reader.newPage();
  try {
    await readerPage.goto(`${origin}/@dispatch`);
    await readerPage.getByRole("link", { name: title }).click();
    await readerPage.waitForLoadState("load");
    expect(await readerPage.locator("h1").first().textContent(), "post title").toBe(title);
    expect(await readerPage.locator("article").textContent(), "post body").toContain(paragraph);
    const scripts = await readerPage.locator("script[src]").count();
    expect(scripts, "client scripts on a reader page").toBe(0);
    await readerPage.screenshot({
      path: "test-results/screenshots/publish-reader.png",
      fullPage: true,
    });
  } finally {
    await reader.close();
  }
}
