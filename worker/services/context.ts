import { type Database, database } from "../db/client";
import type { Env } from "../env";
import { clientIp } from "./rate-limit";

/** Who is calling. Services authorize against this, never against routes. */
export type Actor =
  | { kind: "user"; userId: string; via: "session" | "token"; sessionId?: string }
  | { kind: "api_key"; keyId: string; publicationId: string; scopes: string[] };

/** Where a request came from; recorded in the audit log, never trusted for authorization. */
export interface RequestMeta {
  ip: string;
  userAgent: string | null;
  requestId: string;
  /** This deployment's own origin, for links in e-mails. */
  origin: string;
}

/** What every application service receives: bindings, the database and request facts. */
export interface ServiceContext {
  env: Env;
  db: Database;
  meta: RequestMeta;
  /** Work that may finish after the response (e-mail delivery, cache writes). */
  waitUntil: (promise: Promise<unknown>) => void;
}

export function serviceContext(
  env: Env,
  request: Request,
  requestId: string,
  waitUntil: (promise: Promise<unknown>) => void,
): ServiceContext {
  return {
    env,
    db: database(env.DB),
    meta: {
      ip: clientIp(request),
      userAgent: request.headers.get("user-agent")?.slice(0, 256) ?? null,
      requestId,
      origin: env.APP_ORIGIN || new URL(request.url).origin,
    },
    waitUntil,
  };
}
