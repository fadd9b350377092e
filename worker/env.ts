import type { PublicationHub } from "../durable-objects/publication-hub";
import type { RateLimiter } from "../durable-objects/rate-limiter";
import type { Actor, ServiceContext } from "./services/context";
import type { QueueEvent } from "./services/events";

/** Every binding, variable and secret the Worker sees, typed once. */
export interface Env {
  // Storage and coordination
  DB: D1Database;
  CACHE: KVNamespace;
  MEDIA: R2Bucket;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  PUBLICATION_HUB: DurableObjectNamespace<PublicationHub>;
  EVENTS: Queue<QueueEvent>;
  ASSETS: Fetcher;

  // Variables (wrangler.toml [vars])
  APP_ENV: "development" | "test" | "staging" | "production";
  APP_ORIGIN: string;
  CORS_ORIGINS: string;
  MAX_BODY_BYTES: string;
  MAIL_TRANSPORT: "console" | "webhook";
  /** Largest medium in bytes, however it is uploaded (multipart included). */
  MEDIA_MAX_BYTES: string;
  /** Largest single-request upload in bytes; bigger files go through multipart upload. */
  MEDIA_MULTIPART_THRESHOLD: string;
  /** Storage per publication in bytes (sum of its media sizes). */
  MEDIA_QUOTA_BYTES: string;

  // Secrets (.dev.vars locally, `wrangler secret put` elsewhere)
  JWT_SECRET: string;
  PASSWORD_PEPPER: string;
  MAIL_WEBHOOK_URL?: string;
  MAIL_WEBHOOK_TOKEN?: string;
  /** Only set by the benchmark configuration: enables the /__floor route. */
  BENCH_FLOOR?: string;
}

/** Per-request values the gateway middleware sets for every handler. */
export interface Variables {
  requestId: string;
  cspNonce: string;
  startedAt: number;
  /** Bindings, database and request facts for the application layer. */
  services: ServiceContext;
  /** Who is calling, when they proved it (cookie, bearer token or API key). */
  actor?: Actor;
  /** The web session behind a cookie-authenticated request. */
  sessionId?: string;
  /** Which edge-cache tier answered a public read (set by publicCache). */
  cacheSource?: "memory" | "local" | "kv" | "miss";
}

/** The one Hono environment type shared by every route. */
export type AppEnv = { Bindings: Env; Variables: Variables };
