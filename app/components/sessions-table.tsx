import { Form } from "@remix-run/react";
import { Intent } from "./form";
import { Timestamp } from "./timestamp";

export interface SessionRow {
  id: string;
  created_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

/** "Firefox on Windows": enough to recognise a device, no fingerprinting library. */
export function deviceLabel(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = (
    [
      [/Edg\//, "Edge"],
      [/Firefox\//, "Firefox"],
      [/Chrome\//, "Chrome"],
      [/Safari\//, "Safari"],
      [/curl|node|undici|python|Go-http/i, "A program"],
    ] as const
  ).find(([re]) => re.test(userAgent))?.[1];
  const os = (
    [
      [/iPhone|iPad/, "iOS"],
      [/Android/, "Android"],
      [/Windows/, "Windows"],
      [/Mac OS X|Macintosh/, "macOS"],
      [/Linux/, "Linux"],
    ] as const
  ).find(([re]) => re.test(userAgent))?.[1];
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? "Unknown device";
}

export function SessionsTable({ sessions }: { sessions: SessionRow[] }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Your sessions</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">IP address</th>
            <th scope="col">Signed in</th>
            <th scope="col">Last active</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id}>
              <td>
                <span title={s.user_agent ?? undefined}>{deviceLabel(s.user_agent)}</span>
                {s.current ? <span className="badge badge--accent">This device</span> : null}
              </td>
              <td>{s.ip ?? "—"}</td>
              <td>
                <Timestamp iso={s.created_at} />
              </td>
              <td>
                <Timestamp iso={s.last_seen_at} />
              </td>
              <td className="cell-actions">
                {s.current ? null : (
                  <Form method="post" className="inline-form">
                    <Intent value="revoke-session" />
                    <input type="hidden" name="session_id" value={s.id} />
                    <button type="submit" className="button--secondary button--small">
                      Sign out
                      <span className="visually-hidden"> {deviceLabel(s.user_agent)}</span>
                    </button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
