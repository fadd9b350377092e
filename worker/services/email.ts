import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { outbox } from "../db/schema";
import type { Env } from "../env";
import { uuidv7 } from "../lib/crypto";
import { escapeHtml } from "../lib/markdown";
import type { ServiceContext } from "./context";

export interface Mail {
  to: string;
  subject: string;
  /** Paragraphs of plain text; a `link` is rendered as a button in HTML. */
  paragraphs: string[];
  link?: { label: string; url: string };
}

/**
 * Queues an e-mail in the outbox as a statement for the caller's batch, so the
 * mail exists if and only if the change that caused it committed. Call
 * `dispatchMail` with the id after the batch to hand it to the queue.
 */
export function mailStatement(ctx: ServiceContext, mail: Mail) {
  const id = uuidv7();
  const text = [...mail.paragraphs, ...(mail.link ? [`${mail.link.label}: ${mail.link.url}`] : [])]
    .join("\n\n")
    .concat("\n\n— Folio\n");
  const html = renderHtml(mail);
  return {
    id,
    statement: ctx.db
      .insert(outbox)
      .values({ id, toEmail: mail.to, subject: mail.subject, text, html }),
  };
}

export function dispatchMail(ctx: ServiceContext, id: string): void {
  ctx.waitUntil(ctx.env.EVENTS.send({ type: "email.send", id }));
}

/**
 * Sends one outbox mail with the configured transport (queue consumer). Safe to
 * run twice: a mail already sent is not sent again. Outside development the
 * body is blanked after delivery, because it may hold a one-time link.
 */
export async function deliverMail(env: Env, db: Database, id: string): Promise<void> {
  const mail = await db.query.outbox.findFirst({ where: eq(outbox.id, id) });
  if (!mail || mail.status === "sent") return;
  try {
    await transport(env, mail);
  } catch (err) {
    await db
      .update(outbox)
      .set({
        attempts: mail.attempts + 1,
        status: mail.attempts + 1 >= 5 ? "failed" : "pending",
        lastError: err instanceof Error ? err.message.slice(0, 300) : "send failed",
      })
      .where(eq(outbox.id, id));
    throw err;
  }
  const keepBody = env.APP_ENV === "development" || env.APP_ENV === "test";
  await db
    .update(outbox)
    .set({
      status: "sent",
      attempts: mail.attempts + 1,
      sentAt: new Date().toISOString(),
      ...(keepBody ? {} : { text: "[delivered]", html: "[delivered]" }),
    })
    .where(eq(outbox.id, id));
}

async function transport(env: Env, mail: typeof outbox.$inferSelect): Promise<void> {
  if (env.MAIL_TRANSPORT === "webhook") {
    if (!env.MAIL_WEBHOOK_URL) throw new Error("MAIL_WEBHOOK_URL is not configured");
    const res = await fetch(env.MAIL_WEBHOOK_URL, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(env.MAIL_WEBHOOK_TOKEN ? { authorization: `Bearer ${env.MAIL_WEBHOOK_TOKEN}` } : {}),
        "idempotency-key": mail.id,
      },
      body: JSON.stringify({
        to: mail.toEmail,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      }),
    });
    if (!res.ok) throw new Error(`mail webhook answered ${res.status}`);
    return;
  }
  // Development transport: the mail is printed and readable at /dev/mail.
  console.log(`\n✉  To: ${mail.toEmail}\n   Subject: ${mail.subject}\n\n${mail.text}`);
}

function renderHtml(mail: Mail): string {
  const paragraphs = mail.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n");
  const button = mail.link
    ? `<p><a href="${escapeHtml(mail.link.url)}" style="display:inline-block;padding:10px 16px;background:#1d4ed8;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(mail.link.label)}</a></p>
<p style="color:#555;font-size:13px">Or paste this address into your browser: ${escapeHtml(mail.link.url)}</p>`
    : "";
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1c1b19">
${paragraphs}
${button}
<p style="color:#555">— Folio</p></body></html>`;
}
