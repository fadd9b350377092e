import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormAlert, stateFor } from "~/components/form";
import { Page } from "~/components/page";
import { formDone, submitForm } from "~/utils/forms.server";
import { privatePage } from "~/utils/headers.server";
import { servicesFor } from "~/utils/services.server";
import { getSession, headerUser } from "~/utils/session.server";
import { forgotPasswordInput, requestPasswordReset } from "../../worker/services/accounts";

export const meta: MetaFunction = () => [{ title: "Forgot your password? — Folio" }];
export const headers = privatePage;

export async function loader({ request, context }: LoaderFunctionArgs) {
  return { user: headerUser(await getSession(request, context)) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const outcome = await submitForm(
    form,
    forgotPasswordInput,
    ({ email }) => requestPasswordReset(servicesFor(request, context), email),
    { email: "Enter your e-mail address." },
  );
  if ("failure" in outcome) return outcome.failure;
  // The same words whether or not the address has an account.
  return formDone(
    form,
    "If an account exists for that address, we have sent it a link to choose a new password. The link works for one hour.",
  );
}

export default function ForgotPassword() {
  const { user } = useLoaderData<typeof loader>();
  const state = stateFor(useActionData<typeof action>());
  return (
    <Page user={user} narrow>
      <h1>Forgot your password?</h1>
      {state?.ok ? (
        <>
          <FormAlert state={state} />
          <p>
            <Link to="/login">Back to log in</Link>
          </p>
        </>
      ) : (
        <>
          <p className="muted">
            Enter the e-mail address of your account and we will send you a link to choose a new
            password.
          </p>
          <FormAlert state={state} />
          <Form method="post" noValidate>
            <Field
              name="email"
              label="E-mail address"
              type="email"
              autoComplete="email"
              spellCheck={false}
              required
              defaultValue={state?.values?.email}
              error={state?.fieldErrors?.email}
            />
            <div className="actions">
              <button type="submit">Send the link</button>
              <Link to="/login">Back to log in</Link>
            </div>
          </Form>
        </>
      )}
    </Page>
  );
}
