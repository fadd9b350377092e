import { type ActionFunctionArgs, redirect } from "@remix-run/cloudflare";
import { endSession, safeRedirect } from "~/utils/session.server";

// Logging out changes state: only a POST does it; a GET (a link, a prefetch) goes home.
export const loader = () => redirect("/");

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  return endSession(request, context, safeRedirect(form.get("redirectTo"), "/"));
}
