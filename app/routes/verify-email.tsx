import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { Page } from "~/components/page";
import { privatePage } from "~/utils/headers.server";
import { attempt } from "~/utils/problems.server";
import { servicesFor } from "~/utils/services.server";
import { getSession, headerUser } from "~/utils/session.server";
import { verifyEmail, verifyEmailInput } from "../../worker/services/accounts";

export const meta: MetaFunction = () => [{ title: "Confirm your e-mail — Folio" }];
export const headers = privatePage;

type Outcome = "verified" | "already_verified" | "invalid";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await getSession(request, context);
  const user = headerUser(session);
  const input = verifyEmailInput.safeParse({
    token: new URL(request.url).searchParams.get("token"),
  });
  if (input.success) {
    const verified = await attempt(verifyEmail(servicesFor(request, context), input.data.token));
    if (verified.ok) return { outcome: "verified" as Outcome, user };
  }
  // A spent link opened again by someone already confirmed is not an error for them.
  if (session?.user.emailVerifiedAt) return { outcome: "already_verified" as Outcome, user };
  return data({ outcome: "invalid" as Outcome, user }, { status: 400 });
}

export default function VerifyEmail() {
  const { outcome, user } = useLoaderData<typeof loader>();
  return (
    <Page user={user} narrow>
      {outcome === "invalid" ? (
        <>
          <h1>This link does not work</h1>
          <div className="alert alert--error" role="alert">
            This confirmation link is invalid, has expired or was already used.
          </div>
          <p>
            {user ? (
              <>
                Ask for a new one from <Link to="/account">your account</Link>.
              </>
            ) : (
              <>
                <Link to="/login?redirectTo=%2Faccount">Log in</Link> and ask for a new link from
                your account page.
              </>
            )}
          </p>
        </>
      ) : (
        <>
          <h1>{outcome === "verified" ? "E-mail confirmed" : "Already confirmed"}</h1>
          <div className="alert alert--success" role="status">
            {outcome === "verified"
              ? "Thank you: your e-mail address is confirmed."
              : "Your e-mail address is already confirmed."}
          </div>
          <p>
            {user ? (
              <Link to="/admin" className="button">
                Go to your publications
              </Link>
            ) : (
              <Link to="/login" className="button">
                Log in
              </Link>
            )}
          </p>
        </>
      )}
    </Page>
  );
}
