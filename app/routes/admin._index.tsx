import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormAlert, Intent, stateFor, TextAreaField } from "~/components/form";
import { Page } from "~/components/page";
import { TimezoneSelect } from "~/components/timezone-select";
import { formError, submitForm } from "~/utils/forms.server";
import { privatePage } from "~/utils/headers.server";
import { servicesFor } from "~/utils/services.server";
import { actorOf, headerUser, requireSession } from "~/utils/session.server";
import {
  createPublication,
  listMyPublications,
  publicationInput,
} from "../../worker/services/publications";

export const meta: MetaFunction = () => [{ title: "Your publications — Folio" }];
export const headers = privatePage;

// Fixed texts for `?notice=`, so the address cannot put words on the page.
const NOTICES: Record<string, string> = {
  deleted: "The publication was deleted.",
  left: "You left the publication.",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await requireSession(request, context);
  const publications = await listMyPublications(servicesFor(request, context), actorOf(session));
  const notice = new URL(request.url).searchParams.get("notice");
  return {
    user: headerUser(session),
    publications,
    notice: (notice && NOTICES[notice]) || null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await requireSession(request, context);
  const form = await request.formData();
  if (form.get("intent") !== "create") return formError(form, "Unknown action.");
  const outcome = await submitForm(
    form,
    publicationInput,
    (input) => createPublication(servicesFor(request, context), actorOf(session), input),
    { slug: "Choose an address.", name: "Give the publication a name." },
  );
  if ("failure" in outcome) return outcome.failure;
  return redirect(`/admin/${outcome.result.slug}`);
}

export default function AdminHome() {
  const { user, publications, notice } = useLoaderData<typeof loader>();
  const state = stateFor(useActionData<typeof action>(), "create");
  const errors = state?.fieldErrors ?? {};
  const values = state?.values ?? {};
  return (
    <Page user={user}>
      <h1>Your publications</h1>
      {notice ? (
        <div className="alert alert--success" role="status">
          {notice}
        </div>
      ) : null}

      {publications.length ? (
        <ul className="card-grid card-grid--fill">
          {publications.map((p) => (
            <li key={p.id} className="card card--link">
              <h2 className="card__title">
                <Link to={`/admin/${p.slug}`}>{p.name}</Link>
              </h2>
              <p className="card__meta">
                <span>/@{p.slug}</span>
                {p.role ? <span className="badge">{p.role}</span> : null}
              </p>
              {p.description ? <p>{p.description}</p> : null}
            </li>
          ))}
        </ul>
      ) : (
        <div className="empty-state">
          <p>
            You are not a member of any publication yet. Start one below, or open the invitation
            link a colleague sent you.
          </p>
        </div>
      )}

      <section className="section" aria-labelledby="new-heading">
        <h2 id="new-heading">New publication</h2>
        <div className="card form-card">
          <FormAlert state={state} />
          <Form method="post" noValidate>
            <Intent value="create" />
            <Field
              name="name"
              label="Name"
              required
              maxLength={100}
              defaultValue={values.name}
              error={errors.name}
            />
            <Field
              name="slug"
              label="Address"
              required
              spellCheck={false}
              autoCapitalize="none"
              hint="Lower-case letters, digits and dashes. Readers find it at /@address."
              defaultValue={values.slug}
              error={errors.slug}
            />
            <TextAreaField
              name="description"
              label="Description (optional)"
              rows={3}
              maxLength={500}
              className="textarea--short"
              defaultValue={values.description}
              error={errors.description}
            />
            <TimezoneSelect defaultValue={values.timezone} error={errors.timezone} />
            <button type="submit">Create publication</button>
          </Form>
        </div>
      </section>
    </Page>
  );
}
