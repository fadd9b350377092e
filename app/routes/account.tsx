import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormAlert, Intent, stateFor, useClearedPasswords } from "~/components/form";
import { Page } from "~/components/page";
import { SessionsTable } from "~/components/sessions-table";
import {
  formAction,
  formDone,
  formError,
  invalidForm,
  parseForm,
  submitForm,
} from "~/utils/forms.server";
import { privatePage } from "~/utils/headers.server";
import { servicesFor } from "~/utils/services.server";
import { headerUser, requireSession } from "~/utils/session.server";
import {
  changePassword,
  changePasswordInput,
  getProfile,
  profileInput,
  resendVerification,
  updateProfile,
} from "../../worker/services/accounts";
import { MIN_PASSWORD_LENGTH } from "../../worker/services/passwords";
import { listSessions, revokeSession } from "../../worker/services/sessions";

export const meta: MetaFunction = () => [{ title: "Your account — Folio" }];
export const headers = privatePage;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await requireSession(request, context);
  const services = servicesFor(request, context);
  const [profile, sessions] = await Promise.all([
    getProfile(services, session.userId),
    listSessions(services, session.userId, session.sessionId),
  ]);
  return {
    user: headerUser(session),
    profile,
    sessions,
    minPasswordLength: MIN_PASSWORD_LENGTH,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await requireSession(request, context);
  const services = servicesFor(request, context);
  const form = await request.formData();

  switch (form.get("intent")) {
    case "profile": {
      const outcome = await submitForm(form, profileInput, (input) =>
        updateProfile(services, session.userId, input),
      );
      return "failure" in outcome ? outcome.failure : formDone(form, "Profile saved.");
    }
    case "password": {
      const parsed = parseForm(changePasswordInput, form, {
        current_password: "Enter your current password.",
        new_password: "Choose a new password.",
      });
      const fieldErrors = parsed.success ? {} : { ...parsed.fieldErrors };
      if (form.get("new_password") !== form.get("new_password_confirm")) {
        fieldErrors.new_password_confirm = "The two new passwords do not match.";
      }
      if (!parsed.success || Object.keys(fieldErrors).length) return invalidForm(form, fieldErrors);
      // This session stays; every other one (and every API refresh token) ends.
      const outcome = await formAction(form, () =>
        changePassword(services, session.userId, parsed.data, session.sessionId),
      );
      return "failure" in outcome
        ? outcome.failure
        : formDone(form, "Password changed. You were signed out on every other device.");
    }
    case "resend-verification": {
      const outcome = await formAction(form, () => resendVerification(services, session.userId));
      return "failure" in outcome
        ? outcome.failure
        : formDone(form, `We sent a new confirmation link to ${session.user.email}.`);
    }
    case "revoke-session": {
      const id = String(form.get("session_id") ?? "");
      if (id === session.sessionId) return formError(form, "To end this session, log out.");
      const revoked = await revokeSession(services, session.userId, id);
      return formDone(
        form,
        revoked ? "That session is signed out." : "That session had already ended.",
      );
    }
    default:
      return formError(form, "Unknown action.");
  }
}

export default function Account() {
  const { user, profile, sessions, minPasswordLength } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const profileState = stateFor(actionData, "profile");
  const passwordState = stateFor(actionData, "password");
  const verifyState = stateFor(actionData, "resend-verification");
  const sessionsState = stateFor(actionData, "revoke-session");

  const passwordForm = useClearedPasswords(passwordState);

  const profileErrors = profileState?.fieldErrors ?? {};
  const passwordErrors = passwordState?.fieldErrors ?? {};
  const values = profileState?.ok ? undefined : profileState?.values;

  return (
    <Page user={user}>
      <h1>Your account</h1>

      {profile.email_verified ? null : (
        <section className="alert alert--warning" aria-labelledby="verify-heading">
          <h2 id="verify-heading" className="alert__title">
            Confirm your e-mail address
          </h2>
          <p>
            We sent a link to <strong>{profile.email}</strong>. You need a confirmed address to
            accept invitations.
          </p>
          <FormAlert state={verifyState} />
          <Form method="post">
            <Intent value="resend-verification" />
            <button type="submit" className="button--secondary">
              Send a new link
            </button>
          </Form>
        </section>
      )}

      <section className="section" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <div className="card form-card">
          <p>
            <span className="muted">E-mail address:</span> {profile.email}{" "}
            {profile.email_verified ? (
              <span className="badge badge--success">Confirmed</span>
            ) : (
              <span className="badge badge--warning">Not confirmed</span>
            )}
          </p>
          <FormAlert state={profileState} idPrefix="profile-" />
          <Form method="post" noValidate>
            <Intent value="profile" />
            <Field
              id="profile-name"
              name="name"
              label="Name"
              autoComplete="name"
              defaultValue={values?.name ?? profile.name}
              error={profileErrors.name}
            />
            <Field
              id="profile-handle"
              name="handle"
              label="Handle"
              autoComplete="username"
              spellCheck={false}
              hint="Lower-case letters, digits and dashes. Your author pages use it."
              defaultValue={values?.handle ?? profile.handle}
              error={profileErrors.handle}
            />
            <button type="submit">Save profile</button>
          </Form>
        </div>
      </section>

      <section className="section" aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        <div className="card form-card">
          <FormAlert state={passwordState} idPrefix="password-" />
          <Form method="post" noValidate ref={passwordForm}>
            <Intent value="password" />
            <Field
              id="password-current_password"
              name="current_password"
              label="Current password"
              type="password"
              autoComplete="current-password"
              required
              error={passwordErrors.current_password}
            />
            <Field
              id="password-new_password"
              name="new_password"
              label="New password"
              type="password"
              autoComplete="new-password"
              hint={`At least ${minPasswordLength} characters. Your other devices will be signed out.`}
              required
              error={passwordErrors.new_password}
            />
            <Field
              id="password-new_password_confirm"
              name="new_password_confirm"
              label="New password, again"
              type="password"
              autoComplete="new-password"
              required
              error={passwordErrors.new_password_confirm}
            />
            <button type="submit">Change password</button>
          </Form>
        </div>
      </section>

      <section className="section" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Where you are signed in</h2>
        <p className="muted">
          Sign out any session you do not recognise, then change your password.
        </p>
        <FormAlert state={sessionsState} />
        <SessionsTable sessions={sessions} />
      </section>
    </Page>
  );
}
