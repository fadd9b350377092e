import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormAlert, stateFor, useClearedPasswords } from "~/components/form";
import { Page } from "~/components/page";
import { submitForm } from "~/utils/forms.server";
import { privatePage } from "~/utils/headers.server";
import { servicesFor } from "~/utils/services.server";
import { getSession, headerUser, safeRedirect, startSession } from "~/utils/session.server";
import { authenticate, logInInput } from "../../worker/services/accounts";
import { recordAudit } from "../../worker/services/audit";

export const meta: MetaFunction = () => [{ title: "Log in — Folio" }];
export const headers = privatePage;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  return {
    user: headerUser(await getSession(request, context)),
    redirectTo: safeRedirect(params.get("redirectTo")),
    passwordReset: params.get("reset") === "1",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const services = servicesFor(request, context);
  const outcome = await submitForm(
    form,
    logInInput,
    ({ email, password }) => authenticate(services, email, password),
    { email: "Enter your e-mail address.", password: "Enter your password." },
  );
  if ("failure" in outcome) return outcome.failure;
  const user = outcome.result;
  const response = await startSession(request, context, user.id, String(form.get("redirectTo")));
  await recordAudit(services, {
    action: "auth.login",
    actor: { kind: "user", userId: user.id, via: "session" },
    targetType: "user",
    targetId: user.id,
    metadata: { grant: "session" },
  });
  return response;
}

export default function LogIn() {
  const { user, redirectTo, passwordReset } = useLoaderData<typeof loader>();
  const state = stateFor(useActionData<typeof action>());
  const errors = state?.fieldErrors ?? {};
  const formRef = useClearedPasswords(state);
  const signupHref =
    redirectTo === "/admin" ? "/signup" : `/signup?redirectTo=${encodeURIComponent(redirectTo)}`;
  return (
    <Page user={user} narrow>
      <h1>Log in</h1>
      {passwordReset && !state ? (
        <div className="alert alert--success" role="status">
          Password changed. Log in with your new password.
        </div>
      ) : null}
      {user && !state ? (
        <div className="alert">
          You are signed in as {user.name || user.handle}. Logging in again replaces that session.
        </div>
      ) : null}
      <FormAlert state={state} />
      <Form method="post" noValidate ref={formRef}>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field
          name="email"
          label="E-mail address"
          type="email"
          autoComplete="email"
          spellCheck={false}
          required
          defaultValue={state?.values?.email}
          error={errors.email}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <div className="actions">
          <button type="submit">Log in</button>
          <Link to="/forgot-password">Forgot your password?</Link>
        </div>
      </Form>
      <p className="muted form-footnote">
        New to Folio? <Link to={signupHref}>Create an account</Link>.
      </p>
    </Page>
  );
}
