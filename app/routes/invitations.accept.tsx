import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormAlert, Intent, stateFor } from "~/components/form";
import { Page } from "~/components/page";
import { LogOutButton } from "~/components/site-chrome";
import { formAction, formError } from "~/utils/forms.server";
import { privatePage } from "~/utils/headers.server";
import { servicesFor } from "~/utils/services.server";
import { actorOf, getSession, headerUser, requireSession } from "~/utils/session.server";
import { acceptInvitation, acceptInvitationInput } from "../../worker/services/publications";

export const meta: MetaFunction = () => [{ title: "Accept an invitation — Folio" }];
export const headers = privatePage;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const session = await getSession(request, context);
  return {
    user: headerUser(session),
    email: session?.user.email ?? null,
    hasToken: Boolean(url.searchParams.get("token")),
    // Where log-in and sign-up come back to: this very page, token included.
    here: url.pathname + url.search,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await requireSession(request, context);
  const form = await request.formData();
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const input = acceptInvitationInput.safeParse({ token });
  if (!input.success) {
    return formError(form, "This invitation is invalid, expired or already used.");
  }
  const outcome = await formAction(form, () =>
    acceptInvitation(servicesFor(request, context), actorOf(session), input.data.token),
  );
  if ("failure" in outcome) return outcome.failure;
  return redirect(`/admin/${outcome.result.slug}`);
}

/** What to do next, for each way accepting can fail. */
function NextStep({ code, here }: { code?: string; here: string }) {
  if (code === "wrong_account") {
    return (
      <p className="actions">
        <LogOutButton
          label="Log out and switch account"
          className="button--secondary"
          redirectTo={`/login?redirectTo=${encodeURIComponent(here)}`}
        />
      </p>
    );
  }
  if (code === "email_not_verified") {
    return (
      <p>
        Open the confirmation link we e-mailed you, or ask for a new one on{" "}
        <Link to="/account">your account page</Link>. Then come back to this invitation.
      </p>
    );
  }
  if (code === "already_member") {
    return (
      <p>
        <Link to="/admin">Go to your publications</Link>
      </p>
    );
  }
  return <p>Ask the person who invited you to send a new invitation.</p>;
}

export default function AcceptInvitation() {
  const { user, email, hasToken, here } = useLoaderData<typeof loader>();
  const state = stateFor(useActionData<typeof action>());
  const encoded = encodeURIComponent(here);

  if (!hasToken) {
    return (
      <Page user={user} narrow>
        <h1>This invitation link is incomplete</h1>
        <p>Open the link from the invitation e-mail again, or copy the whole address from it.</p>
      </Page>
    );
  }

  return (
    <Page user={user} narrow>
      <h1>You are invited</h1>
      {user ? (
        <>
          <FormAlert state={state} />
          {state && !state.ok ? (
            <NextStep code={state.code} here={here} />
          ) : (
            <>
              <p>
                You are signed in as <strong>{email}</strong>. Accept to join the publication with
                the role you were invited for.
              </p>
              <Form method="post">
                <Intent value="accept" />
                <button type="submit">Accept invitation</button>
              </Form>
            </>
          )}
        </>
      ) : (
        <>
          <p>
            Log in, or sign up, with the e-mail address the invitation was sent to. You come back
            here afterwards to accept it.
          </p>
          <p className="actions">
            <Link className="button" to={`/login?redirectTo=${encoded}`}>
              Log in
            </Link>
            <Link className="button button--secondary" to={`/signup?redirectTo=${encoded}`}>
              Sign up
            </Link>
          </p>
        </>
      )}
    </Page>
  );
}
