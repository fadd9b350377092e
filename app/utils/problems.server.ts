import { ProblemError } from "../../worker/lib/problem";

/** Statuses that a page answers with the root error page rather than a 500. */
const PAGE_STATUSES = new Set([403, 404]);

/**
 * Awaits a service call for a loader. A 404 or 403 ProblemError (another
 * publication, a role that may not) becomes a thrown Response, so the root
 * ErrorBoundary shows its friendly page with that status.
 */
export async function orResponse<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ProblemError && PAGE_STATUSES.has(err.init.status)) {
      throw new Response(null, { status: err.init.status });
    }
    throw err;
  }
}

/** Throws the friendly 404/403 page directly (e.g. a role check done in the route). */
export function refuse(status: 403 | 404): never {
  throw new Response(null, { status });
}

/** A service call whose refusal the page explains itself (an expired link, say). */
export async function attempt<T>(
  call: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; problem: ProblemError }> {
  try {
    return { ok: true, value: await call };
  } catch (err) {
    if (err instanceof ProblemError) return { ok: false, problem: err };
    throw err;
  }
}
