// Sign up, confirm the e-mail through the dev mailbox, log in, log out.
// Needs the /signup, /verify-email, /login, /admin and /dev/mail pages.
export const name = "Sign up, confirm e-mail, log in, log out";

export async function run({ page, origin, screenshot, expect }) {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const email = `e2e-${stamp}@example.com`;
  const password = `Quiet-harbour-${stamp}!`;

  // Sign up.
  await page.goto(`${origin}/signup`);
  await page.getByLabel("Name", { exact: true }).fill("Eve Tester");
  await emailField(page).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await submitFormOf(page, page.getByLabel("Password", { exact: true }));
  await page.getByText("Check your e-mail").first().waitFor();
  await screenshot("signed-up");

  // The verification mail, from the development mailbox (delivered through the
  // queue, so it can take a moment to appear).
  const link = await verificationLink(page, origin, email);
  // Mail links carry APP_ORIGIN (http://127.0.0.1:8787 locally); these tests
  // run their own server on another port, so follow the link's path there.
  const target = new URL(link);
  const res = await page.goto(`${origin}${target.pathname}${target.search}`);
  expect(res?.status() ?? 0, "verification page status").toBe(200);
  // If the page asks for a click to confirm (so link scanners cannot), give it.
  const confirm = page.getByRole("button", { name: /^(confirm|verify)/i });
  if ((await confirm.count()) > 0) {
    await Promise.all([page.waitForLoadState("load"), confirm.first().click()]);
  }
  await screenshot("verified");

  // Log in: lands in the admin.
  await page.goto(`${origin}/login`);
  await emailField(page).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await submitFormOf(page, page.getByLabel("Password", { exact: true }));
  await page.waitForURL((url) => url.pathname === "/admin" || url.pathname.startsWith("/admin/"));
  await page.waitForLoadState("load");
  await screenshot("admin");

  // The session is real, and the address counts as confirmed.
  const me = await page.request.get(`${origin}/api/v1/me`);
  expect(me.status(), "GET /api/v1/me while signed in").toBe(200);
  const profile = await me.json();
  expect(profile.email, "profile e-mail").toBe(email);
  expect(profile.email_verified, "email_verified").toBe(true);

  // Log out: the header offers "Log in" again and the session is gone.
  await page.getByRole("button", { name: "Log out" }).click();
  await page.locator("header").getByText("Log in", { exact: true }).first().waitFor();
  await screenshot();
  const after = await page.request.get(`${origin}/api/v1/me`);
  expect(after.status(), "GET /api/v1/me after logging out").toBe(401);
}

// Labels as the pages show them: "Name", "E-mail" ("E-mail address" counts), "Password".
const emailField = (page) => page.getByLabel(/^E-mail\b/);

/** Clicks the submit button of the form that holds `field`. */
async function submitFormOf(page, field) {
  const form = page.locator("form").filter({ has: field });
  const submit = form
    .locator('button[type="submit"], button:not([type]), input[type="submit"]')
    .first();
  await submit.click();
}

/** Polls /dev/mail for the confirmation link sent to `email`. */
async function verificationLink(page, origin, email) {
  const deadline = Date.now() + 20_000;
  let seen = "no mail yet";
  while (Date.now() < deadline) {
    await page.goto(`${origin}/dev/mail`);
    const found = await page.evaluate((address) => {
      const linkIn = (text) => text.match(/https?:\/\/\S+\/verify-email\?token=[\w-]+/)?.[0];
      const candidates = [];
      for (const pre of document.querySelectorAll("pre")) {
        const link = linkIn(pre.textContent ?? "");
        if (!link) continue;
        // The mail's own block: the largest ancestor that holds only this <pre>.
        let block = pre;
        while (block.parentElement && block.parentElement.querySelectorAll("pre").length === 1) {
          block = block.parentElement;
        }
        candidates.push({ link, mine: (block.textContent ?? "").includes(address) });
      }
      return {
        link: (candidates.find((c) => c.mine) ?? (candidates.length === 1 ? candidates[0] : null))
          ?.link,
        count: document.querySelectorAll("pre").length,
      };
    }, email);
    if (found.link) return found.link;
    seen = `${found.count} mail(s) on /dev/mail, none with a verification link for ${email}`;
    await page.waitForTimeout(500);
  }
  throw new Error(`No verification mail: ${seen}`);
}
