import type { AppLoadContext } from "@remix-run/cloudflare";
import { getPublication } from "../../worker/services/publications";
import { orResponse, refuse } from "./problems.server";
import { servicesFor } from "./services.server";
import { actorOf, headerUser, requireSession } from "./session.server";

/**
 * Everything a `/admin/{pub}/...` loader or action starts from: the signed-in
 * member, their role and the publication. Non-members get the 404 page.
 */
export async function publicationPage(
  request: Request,
  context: AppLoadContext,
  ref: string | undefined,
) {
  const session = await requireSession(request, context);
  const services = servicesFor(request, context);
  const actor = actorOf(session);
  const publication = await orResponse(getPublication(services, actor, ref ?? ""));
  // Members always have a role; only API keys (never here) act without one.
  const role = publication.role ?? refuse(404);
  return { session, services, actor, publication, role, user: headerUser(session) };
}
