import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { Page } from "~/components/page";
import { Timestamp } from "~/components/timestamp";
import { devMailEnabled, latestMail } from "~/utils/dev-mail.server";
import { privatePage } from "~/utils/headers.server";
import { refuse } from "~/utils/problems.server";

export const meta: MetaFunction = () => [
  { title: "Development mail — Folio" },
  { name: "robots", content: "noindex" },
];
export const headers = privatePage;

// DEVELOPMENT ONLY: staging and production answer 404, as if the page did not exist.
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!devMailEnabled(context)) refuse(404);
  return { mails: await latestMail(request, context) };
}

/** Mail text with its links clickable: that is what this page is for. */
function LinkedText({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <pre className="mail-body">
      {parts.map((part, i) =>
        /^https?:\/\//.test(part) ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
          <a key={i} href={part}>
            {part}
          </a>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </pre>
  );
}

export default function DevMail() {
  const { mails } = useLoaderData<typeof loader>();
  return (
    <Page>
      <p className="eyebrow">Development only</p>
      <h1>Outbox</h1>
      <p className="muted">
        The newest e-mails Folio queued (up to 50), with their links. This page does not exist
        outside development and tests.
      </p>
      {mails.length ? (
        <ol className="mail-list">
          {mails.map((m, index) => (
            <li key={m.id} className="card">
              <details open={index === 0}>
                <summary>
                  <span className="mail-list__subject">{m.subject}</span>
                  <span className="mail-list__meta">
                    to {m.toEmail} · <Timestamp iso={m.createdAt} /> ·{" "}
                    <span className="badge">{m.status}</span>
                  </span>
                </summary>
                <LinkedText text={m.text} />
              </details>
            </li>
          ))}
        </ol>
      ) : (
        <p>No e-mails yet. Sign up or ask for a password reset to see one here.</p>
      )}
    </Page>
  );
}
