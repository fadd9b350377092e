import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormAlert, stateFor, useClearedPasswords } from "~/components/form";
import { Page } from "~/components/page";
import { submitForm } from "~/utils/forms.server";
import { privatePage } from "~/utils/headers.server";
import { servicesFor } from "~/utils/services.server";
import { getSession, headerUser, safeRedirect } from "~/utils/session.server";
import { signUp, signUpInput } from "../../worker/services/accounts";
import { MIN_PASSWORD_LENGTH } from "../../worker/services/passwords";

export const meta: MetaFunction = () => [{ title: "Sign up — Folio" }];
export const headers = privatePage;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = new URL(request.url).searchParams.get("redirectTo");
  return {
    user: headerUser(await getSession(request, context)),
    // Carried to the log-in link shown after sign-up (e.g. back to an invitation).
    redirectTo: redirectTo ? safeRedirect(redirectTo) : null,
    minPasswordLength: MIN_PASSWORD_LENGTH,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const outcome = await submitForm(
    form,
    signUpInput,
    (input) => signUp(servicesFor(request, context), input),
    {
      name: "Enter your name.",
      email: "Enter your e-mail address.",
      password: "Choose a password.",
    },
  );
  if ("failure" in outcome) return outcome.failure;
  // The same answer whether or not the address already had an account.
  return data({ ok: true, message: "Check your e-mail." }, { status: 202 });
}

export default function SignUp() {
  const { user, redirectTo, minPasswordLength } = useLoaderData<typeof loader>();
  const state = stateFor(useActionData<typeof action>());
  const formRef = useClearedPasswords(state);
  const loginHref = redirectTo ? `/login?redirectTo=${encodeURIComponent(redirectTo)}` : "/login";

  if (state?.ok) {
    return (
      <Page user={user} narrow>
        <h1>Check your e-mail</h1>
        <div className="alert alert--success" role="status">
          <p>
            If the address can be used, we have sent it an e-mail with a link to confirm it. The
            link works for 48 hours.
          </p>
        </div>
        <p>
          Nothing arrived? Check your spam folder, or <Link to="/signup">try again</Link>.
        </p>
        <p>
          Once your address is confirmed, <Link to={loginHref}>log in</Link>.
        </p>
      </Page>
    );
  }

  const errors = state?.fieldErrors ?? {};
  const values = state?.values ?? {};
  return (
    <Page user={user} narrow>
      <h1>Create your account</h1>
      <p className="muted">
        Already have one? <Link to={loginHref}>Log in</Link>.
      </p>
      <FormAlert state={state} />
      <Form method="post" noValidate ref={formRef}>
        <Field
          name="name"
          label="Name"
          autoComplete="name"
          required
          defaultValue={values.name}
          error={errors.name}
        />
        <Field
          name="email"
          label="E-mail address"
          type="email"
          autoComplete="email"
          spellCheck={false}
          required
          defaultValue={values.email}
          error={errors.email}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${minPasswordLength} characters. A few unrelated words make a strong password.`}
          required
          error={errors.password}
        />
        <Field
          name="handle"
          label="Handle (optional)"
          autoComplete="username"
          spellCheck={false}
          hint="Your author address, like /@publication/author/ada. We pick one if you leave it empty."
          defaultValue={values.handle}
          error={errors.handle}
        />
        <button type="submit">Create account</button>
      </Form>
    </Page>
  );
}
