import { type AppLoadContext, redirect } from "@remix-run/cloudflare";
import { ProblemError } from "../../worker/lib/problem";
import type { ServiceContext } from "../../worker/services/context";
import { findPublication, type PublicPublication } from "../../worker/services/reading";
import { servicesFor } from "./services.server";

/**
 * Glue for the reader pages (`/@{pub}/...`, app/routes/$pub*.tsx): resolves the
 * publication from the `$pub` segment and maps the read model's refusals to
 * the friendly error page. Everything here reads only published content.
 */

/** What a reader page may show of its publication (no ids). */
export interface ReaderPublication {
  slug: string;
  name: string;
  description: string;
  locale: string;
  timezone: string;
}

export interface Reader {
  ctx: ServiceContext;
  pub: PublicPublication;
  /** Public view of `pub`, safe to return from a loader. */
  view: ReaderPublication;
  /** This deployment's origin, for canonical and Open Graph URLs. */
  origin: string;
}

export function notFound(): never {
  throw new Response(null, { status: 404 });
}

const SLUG = /^[a-z0-9-]{1,64}$/i;

// The layout route and the page route load in parallel for one request: they
// share one lookup through the request's load context (one object per request).
const lookups = new WeakMap<AppLoadContext, Map<string, Promise<PublicPublication | null>>>();

function lookup(context: AppLoadContext, ctx: ServiceContext, slug: string) {
  let perRequest = lookups.get(context);
  if (!perRequest) {
    perRequest = new Map();
    lookups.set(context, perRequest);
  }
  let found = perRequest.get(slug);
  if (!found) {
    found = findPublication(ctx, slug);
    perRequest.set(slug, found);
  }
  return found;
}

/**
 * The publication of a reader URL. `$pub` must be `@slug` (anything else is not
 * a reader page: 404); an unknown publication is 404; `@Dispatch` answers 301
 * to `@dispatch` so every page has one address (and one cache entry).
 */
export async function readerFor(
  request: Request,
  context: AppLoadContext,
  param: string | undefined,
): Promise<Reader> {
  if (!param?.startsWith("@")) notFound();
  const slug = param.slice(1);
  if (!SLUG.test(slug)) notFound();
  const ctx = servicesFor(request, context);
  const pub = await lookup(context, ctx, slug.toLowerCase());
  if (!pub) notFound();
  if (slug !== pub.slug) {
    const url = new URL(request.url);
    const rest = url.pathname.replace(/^\/[^/]*/, "");
    throw redirect(`/@${pub.slug}${rest}${url.search}`, 301);
  }
  return {
    ctx,
    pub,
    view: {
      slug: pub.slug,
      name: pub.name,
      description: pub.description,
      locale: pub.locale,
      timezone: pub.timezone,
    },
    origin: context.cloudflare.env.APP_ORIGIN || new URL(request.url).origin,
  };
}

/** The `?cursor=` of a list page (keyset pagination), if any. */
export function cursorOf(request: Request): string | undefined {
  return new URL(request.url).searchParams.get("cursor") || undefined;
}

/**
 * Awaits a list read. A malformed cursor (the read model answers 400) is a page
 * that does not exist: 404, like any other unknown address.
 */
export async function listOrNotFound<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ProblemError && (err.init.status === 400 || err.init.status === 404)) {
      notFound();
    }
    throw err;
  }
}
