import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { adminTitle } from "~/components/admin-nav";
import { Field, FormAlert, Intent, stateFor } from "~/components/form";
import { SecretOnce } from "~/components/secret-once";
import { Timestamp } from "~/components/timestamp";
import { publicationPage } from "~/utils/admin.server";
import { formAction, formDone, formError, invalidForm, submitForm } from "~/utils/forms.server";
import { orResponse } from "~/utils/problems.server";
import { servicesFor } from "~/utils/services.server";
import { actorOf, requireSession } from "~/utils/session.server";
import {
  apiKeyInput,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from "../../worker/services/api-keys";
import { SCOPE_NAMES } from "../../worker/services/permissions";

export const meta: MetaFunction = ({ matches }) => adminTitle(matches, "API keys");

/** What each scope lets a key do, for the people choosing them. */
const SCOPE_HELP: Record<string, string> = {
  "posts:read": "Read posts, drafts included.",
  "posts:write": "Create, edit and delete posts and tags.",
  "posts:publish": "Publish and unpublish posts.",
  "media:write": "Upload and delete media.",
  "audit:read": "Read the audit log.",
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { services, actor, publication } = await publicationPage(request, context, params.pub);
  const keys = await orResponse(listApiKeys(services, actor, publication.id));
  return { keys, scopes: SCOPE_NAMES };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const session = await requireSession(request, context);
  const services = servicesFor(request, context);
  const actor = actorOf(session);
  const pub = params.pub ?? "";
  const form = await request.formData();

  switch (form.get("intent")) {
    case "create": {
      // An unticked group sends nothing at all; say so in words, not as a type error.
      if (!form.getAll("scopes[]").length) {
        const fieldErrors: Record<string, string> = { scopes: "Choose at least one scope." };
        if (!form.get("name")) fieldErrors.name = "Name the key after what uses it.";
        return invalidForm(form, fieldErrors);
      }
      const outcome = await submitForm(
        form,
        apiKeyInput,
        (input) => createApiKey(services, actor, pub, input),
        { name: "Name the key after what uses it." },
      );
      if ("failure" in outcome) return outcome.failure;
      const { secret, name, prefix } = outcome.result;
      // The secret leaves the server this once, in this response, never stored by anyone.
      return data(
        { ...formDone(form, `Key “${name}” created.`), created: { name, prefix, secret } },
        { headers: { "Cache-Control": "private, no-store" } },
      );
    }
    case "revoke": {
      const id = String(form.get("key_id") ?? "");
      const outcome = await formAction(form, () => revokeApiKey(services, actor, pub, id));
      return "failure" in outcome ? outcome.failure : formDone(form, "Key revoked.");
    }
    default:
      return formError(form, "Unknown action.");
  }
}

/** The key just created, if this response is the one that created it. */
function createdKey(actionData: unknown): { name: string; secret: string } | null {
  if (!actionData || typeof actionData !== "object" || !("created" in actionData)) return null;
  return actionData.created as { name: string; secret: string };
}

export default function ApiKeys() {
  const { keys, scopes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const createState = stateFor(actionData, "create");
  const revokeState = stateFor(actionData, "revoke");
  const created = createdKey(actionData);
  const errors = createState?.fieldErrors ?? {};
  const values = createState?.ok ? {} : (createState?.values ?? {});
  const checked = values["scopes[]"]?.split("\n") ?? [];

  const createForm = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (created) createForm.current?.reset();
  }, [created]);

  return (
    <>
      <h1>API keys</h1>
      <p className="lede">
        Keys let your tools use the Admin API for this publication. A key acts for the publication,
        not for a person, and can only do what its scopes allow.
      </p>

      {created ? <SecretOnce name={created.name} secret={created.secret} /> : null}

      <section className="section" aria-labelledby="keys-heading">
        <h2 id="keys-heading">Keys</h2>
        <FormAlert state={revokeState} />
        {keys.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key starts with</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Status and actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} className={k.revoked_at ? "row--muted" : undefined}>
                    <td>{k.name}</td>
                    <td>
                      <code>{k.prefix}_…</code>
                    </td>
                    <td>
                      <ul className="tag-list">
                        {k.scopes.map((s) => (
                          <li key={s}>
                            <code>{s}</code>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      <Timestamp iso={k.created_at} />
                    </td>
                    <td>
                      {k.last_used_at ? <Timestamp iso={k.last_used_at} /> : <span>Never</span>}
                    </td>
                    <td className="cell-actions">
                      {k.revoked_at ? (
                        <span className="badge" title={k.revoked_at}>
                          Revoked
                        </span>
                      ) : (
                        <Form method="post" className="inline-form">
                          <Intent value="revoke" />
                          <input type="hidden" name="key_id" value={k.id} />
                          <button type="submit" className="button--danger button--small">
                            Revoke<span className="visually-hidden"> {k.name}</span>
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">No keys yet.</p>
        )}
      </section>

      <section className="section" aria-labelledby="new-key-heading">
        <h2 id="new-key-heading">New key</h2>
        <div className="card form-card">
          <FormAlert state={createState?.ok ? undefined : createState} />
          <Form method="post" noValidate ref={createForm}>
            <Intent value="create" />
            <Field
              name="name"
              label="Name"
              hint="What uses it, e.g. “Newsletter sync” or “CI deploy”."
              required
              maxLength={80}
              defaultValue={values.name}
              error={errors.name}
            />
            <fieldset
              id="scopes"
              className="field"
              aria-describedby={errors.scopes ? "scopes-error" : undefined}
            >
              <legend>Scopes</legend>
              {errors.scopes ? (
                <p id="scopes-error" className="field-error">
                  {errors.scopes}
                </p>
              ) : null}
              {scopes.map((scope) => (
                <label key={scope} className="checkbox">
                  <input
                    type="checkbox"
                    name="scopes[]"
                    value={scope}
                    defaultChecked={checked.includes(scope)}
                  />
                  <span>
                    <code>{scope}</code> <span className="muted">{SCOPE_HELP[scope]}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <button type="submit">Create key</button>
          </Form>
        </div>
      </section>
    </>
  );
}
