import { type AppLoadContext, redirect } from "@remix-run/cloudflare";
import type { Actor } from "../../worker/services/context";
import {
  clearedSessionCookie,
  createSession,
  type ResolvedSession,
  resolveSession,
  revokeSession,
  sessionCookie,
  sessionTokenFrom,
} from "../../worker/services/sessions";
import { servicesFor } from "./services.server";

/** The signed-in user of a page request, or null. */
export async function getSession(
  request: Request,
  context: AppLoadContext,
): Promise<ResolvedSession | null> {
  return resolveSession(
    servicesFor(request, context),
    sessionTokenFrom(request.headers.get("cookie")),
  );
}

/** The signed-in user, or a redirect to /login that comes back here afterwards. */
export async function requireSession(request: Request, context: AppLoadContext) {
  const session = await getSession(request, context);
  if (!session) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return session;
}

export function actorOf(session: ResolvedSession): Actor {
  return { kind: "user", userId: session.userId, via: "session", sessionId: session.sessionId };
}

/** Starts a new session (replacing any cookie presented) and redirects. */
export async function startSession(
  request: Request,
  context: AppLoadContext,
  userId: string,
  redirectTo: string,
) {
  const { token } = await createSession(
    servicesFor(request, context),
    userId,
    sessionTokenFrom(request.headers.get("cookie")),
  );
  return redirect(safeRedirect(redirectTo), { headers: { "Set-Cookie": sessionCookie(token) } });
}

export async function endSession(request: Request, context: AppLoadContext, redirectTo = "/") {
  const session = await getSession(request, context);
  if (session)
    await revokeSession(servicesFor(request, context), session.userId, session.sessionId);
  return redirect(redirectTo, { headers: { "Set-Cookie": clearedSessionCookie() } });
}

/**
 * Only same-site paths: `//evil.example`, absolute URLs and paths with control
 * characters (browsers drop a tab, so `/\t/evil.example` would leave the site)
 * fall back to the default.
 */
export function safeRedirect(
  to: FormDataEntryValue | string | null | undefined,
  fallback = "/admin",
) {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//")) return fallback;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  const base = "http://folio.invalid";
  return new URL(to, base).origin === base ? to : fallback;
}

/** What the site header shows of the signed-in user (or null when signed out). */
export function headerUser(session: ResolvedSession | null) {
  return session ? { name: session.user.name, handle: session.user.handle } : null;
}
