import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { adminTitle } from "~/components/admin-nav";
import { Field, FormAlert, Intent, stateFor, TextAreaField } from "~/components/form";
import { TimezoneSelect } from "~/components/timezone-select";
import { publicationPage } from "~/utils/admin.server";
import { formAction, formDone, formError, invalidForm, parseForm } from "~/utils/forms.server";
import { refuse } from "~/utils/problems.server";
import { can } from "../../worker/services/permissions";
import {
  deletePublication,
  publicationUpdateInput,
  updatePublication,
} from "../../worker/services/publications";

export const meta: MetaFunction = ({ matches }) => adminTitle(matches, "Settings");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { publication, role } = await publicationPage(request, context, params.pub);
  if (!can(role, "publication.update")) refuse(403);
  return { publication, canDelete: can(role, "publication.delete") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { services, actor, publication } = await publicationPage(request, context, params.pub);
  const form = await request.formData();

  switch (form.get("intent")) {
    case "update": {
      const parsed = parseForm(publicationUpdateInput, form, { name: "Give it a name." });
      if (!parsed.success) return invalidForm(form, parsed.fieldErrors);
      // An emptied description is a change, not a field left out.
      const input = { ...parsed.data, description: parsed.data.description ?? "" };
      const outcome = await formAction(form, () =>
        updatePublication(services, actor, publication.id, input),
      );
      return "failure" in outcome ? outcome.failure : formDone(form, "Settings saved.");
    }
    case "delete": {
      if (String(form.get("confirm_slug") ?? "").trim() !== publication.slug) {
        return invalidForm(form, {
          confirm_slug: `Type ${publication.slug} to confirm.`,
        });
      }
      const outcome = await formAction(form, () =>
        deletePublication(services, actor, publication.id),
      );
      return "failure" in outcome ? outcome.failure : redirect("/admin?notice=deleted");
    }
    default:
      return formError(form, "Unknown action.");
  }
}

export default function Settings() {
  const { publication, canDelete } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const updateState = stateFor(actionData, "update");
  const deleteState = stateFor(actionData, "delete");
  const errors = updateState?.fieldErrors ?? {};
  const values = updateState?.ok ? undefined : updateState?.values;

  return (
    <>
      <h1>Settings</h1>
      <section aria-labelledby="details-heading">
        <h2 id="details-heading" className="visually-hidden">
          Details
        </h2>
        <div className="card form-card">
          <FormAlert state={updateState} />
          <Form method="post" noValidate>
            <Intent value="update" />
            <Field
              name="name"
              label="Name"
              required
              maxLength={100}
              defaultValue={values?.name ?? publication.name}
              error={errors.name}
            />
            <TextAreaField
              name="description"
              label="Description"
              rows={3}
              maxLength={500}
              className="textarea--short"
              hint="Shown on the publication's home page and in search results."
              defaultValue={values?.description ?? publication.description}
              error={errors.description}
            />
            <Field
              name="locale"
              label="Language"
              spellCheck={false}
              hint="A locale code like en, fr or pt-BR. New posts use it."
              defaultValue={values?.locale ?? publication.locale}
              error={errors.locale}
            />
            <TimezoneSelect
              defaultValue={values?.timezone ?? publication.timezone}
              error={errors.timezone}
            />
            <p className="muted">
              The address <code>/@{publication.slug}</code> cannot be changed: links to it would
              break.
            </p>
            <button type="submit">Save settings</button>
          </Form>
        </div>
      </section>

      {canDelete ? (
        <section className="section" aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete this publication</h2>
          <div className="card form-card card--danger">
            <p>
              Deleting removes every post, tag, member and API key of{" "}
              <strong>{publication.name}</strong>. Readers will find nothing at its address. This
              cannot be undone.
            </p>
            <FormAlert state={deleteState} idPrefix="delete-" />
            <Form method="post" noValidate>
              <Intent value="delete" />
              <Field
                id="delete-confirm_slug"
                name="confirm_slug"
                label={
                  <>
                    Type <code>{publication.slug}</code> to confirm
                  </>
                }
                autoComplete="off"
                spellCheck={false}
                error={deleteState?.fieldErrors?.confirm_slug}
              />
              <button type="submit" className="button--danger">
                Delete publication
              </button>
            </Form>
          </div>
        </section>
      ) : null}
    </>
  );
}
