import { type ActionFunctionArgs, type MetaFunction, redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useRouteLoaderData } from "@remix-run/react";
import { ADMIN_NAV, adminTitle, navFor, ROLE_SUMMARY } from "~/components/admin-nav";
import { FormAlert, Intent, stateFor } from "~/components/form";
import { Timestamp } from "~/components/timestamp";
import { formAction, formError } from "~/utils/forms.server";
import { servicesFor } from "~/utils/services.server";
import { actorOf, requireSession } from "~/utils/session.server";
import { leavePublication } from "../../worker/services/publications";
import type { loader as layoutLoader } from "./admin.$pub";

export const meta: MetaFunction = ({ matches }) => adminTitle(matches, "Dashboard");

export async function action({ request, context, params }: ActionFunctionArgs) {
  const session = await requireSession(request, context);
  const form = await request.formData();
  if (form.get("intent") !== "leave") return formError(form, "Unknown action.");
  const outcome = await formAction(form, () =>
    leavePublication(servicesFor(request, context), actorOf(session), params.pub ?? ""),
  );
  if ("failure" in outcome) return outcome.failure;
  return redirect("/admin?notice=left");
}

export default function Dashboard() {
  const layout = useRouteLoaderData<typeof layoutLoader>("routes/admin.$pub");
  const state = stateFor(useActionData<typeof action>(), "leave");
  if (!layout) return null;
  const { publication, role } = layout;
  const sections = navFor(role).filter((item) => item !== ADMIN_NAV[0]);
  return (
    <>
      <h1>{publication.name}</h1>
      {publication.description ? (
        <p className="lede">{publication.description}</p>
      ) : (
        <p className="muted">No description yet.</p>
      )}

      <dl className="facts">
        <div>
          <dt>Reader address</dt>
          <dd>
            <a href={`/@${publication.slug}`}>/@{publication.slug}</a>
          </dd>
        </div>
        <div>
          <dt>Your role</dt>
          <dd>
            <span className="badge">{role}</span> {ROLE_SUMMARY[role]}
          </dd>
        </div>
        <div>
          <dt>Language and time zone</dt>
          <dd>
            {publication.locale} · {publication.timezone}
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <Timestamp iso={publication.created_at} dateOnly />
          </dd>
        </div>
      </dl>

      {sections.length ? (
        <section className="section" aria-labelledby="sections-heading">
          <h2 id="sections-heading">Manage</h2>
          <ul className="link-list">
            {sections.map((item) => (
              <li key={item.path}>
                <Link to={item.path}>{item.label}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {role === "owner" ? null : (
        <section className="section" aria-labelledby="leave-heading">
          <h2 id="leave-heading">Leave this publication</h2>
          <p className="muted">
            You will lose access at once. An admin can invite you again later.
          </p>
          <FormAlert state={state} />
          <Form method="post">
            <Intent value="leave" />
            <button type="submit" className="button--danger">
              {`Leave ${publication.name}`}
            </button>
          </Form>
        </section>
      )}
    </>
  );
}
