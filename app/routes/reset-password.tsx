import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormAlert, stateFor, useClearedPasswords } from "~/components/form";
import { Page } from "~/components/page";
import { formAction, invalidForm, parseForm } from "~/utils/forms.server";
import { privatePage } from "~/utils/headers.server";
import { servicesFor } from "~/utils/services.server";
import { getSession, headerUser } from "~/utils/session.server";
import { resetPassword, resetPasswordInput } from "../../worker/services/accounts";
import { MIN_PASSWORD_LENGTH } from "../../worker/services/passwords";

export const meta: MetaFunction = () => [{ title: "Choose a new password — Folio" }];
export const headers = privatePage;

export async function loader({ request, context }: LoaderFunctionArgs) {
  return {
    user: headerUser(await getSession(request, context)),
    // The token stays in the address bar; the form posts back to this same URL.
    hasToken: Boolean(new URL(request.url).searchParams.get("token")),
    minPasswordLength: MIN_PASSWORD_LENGTH,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  form.set("token", new URL(request.url).searchParams.get("token") ?? "");
  const parsed = parseForm(resetPasswordInput, form, { password: "Choose a new password." });
  const fieldErrors = parsed.success ? {} : { ...parsed.fieldErrors };
  if (form.get("password") !== form.get("password_confirm")) {
    fieldErrors.password_confirm ??= "The two passwords do not match.";
  }
  if (fieldErrors.token) {
    return invalidForm(form, { token: "This reset link is invalid or has expired." });
  }
  if (!parsed.success || Object.keys(fieldErrors).length) return invalidForm(form, fieldErrors);
  const outcome = await formAction(form, () =>
    resetPassword(servicesFor(request, context), parsed.data),
  );
  if ("failure" in outcome) return outcome.failure;
  return redirect("/login?reset=1");
}

export default function ResetPassword() {
  const { user, hasToken, minPasswordLength } = useLoaderData<typeof loader>();
  const state = stateFor(useActionData<typeof action>());
  const errors = state?.fieldErrors ?? {};
  const formRef = useClearedPasswords(state);
  const badLink = !hasToken || state?.code === "invalid_token" || Boolean(errors.token);
  return (
    <Page user={user} narrow>
      <h1>Choose a new password</h1>
      {badLink ? (
        <>
          <div className="alert alert--error" role="alert">
            This reset link is invalid or has expired. Links work once, for one hour.
          </div>
          <p>
            <Link to="/forgot-password" className="button">
              Ask for a new link
            </Link>
          </p>
        </>
      ) : (
        <>
          <FormAlert state={state} />
          <Form method="post" noValidate ref={formRef}>
            <Field
              name="password"
              label="New password"
              type="password"
              autoComplete="new-password"
              hint={`At least ${minPasswordLength} characters.`}
              required
              error={errors.password}
            />
            <Field
              name="password_confirm"
              label="New password, again"
              type="password"
              autoComplete="new-password"
              required
              error={errors.password_confirm}
            />
            <button type="submit">Change password</button>
          </Form>
        </>
      )}
    </Page>
  );
}
