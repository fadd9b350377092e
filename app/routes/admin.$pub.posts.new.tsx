import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { adminTitle } from "~/components/admin-nav";
import { Field, FormAlert, Intent, stateFor } from "~/components/form";
import { publicationPage } from "~/utils/admin.server";
import { formError, submitForm } from "~/utils/forms.server";
import { privatePage } from "~/utils/headers.server";
import { refuse } from "~/utils/problems.server";
import { can } from "../../worker/services/permissions";
import { createPost, postInput } from "../../worker/services/posts";

export const headers = privatePage;

export const meta: MetaFunction = ({ matches }) => adminTitle(matches, "New post");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { publication, role } = await publicationPage(request, context, params.pub);
  if (!can(role, "posts.create")) refuse(403);
  return { pub: publication.slug };
}

/** A new post starts as a draft with a title; the editor takes it from there. */
const newPostInput = postInput.pick({ title: true });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { services, actor, publication } = await publicationPage(request, context, params.pub);
  const form = await request.formData();
  if (form.get("intent") !== "create") return formError(form, "Unknown action.");
  const outcome = await submitForm(
    form,
    newPostInput,
    ({ title }) =>
      createPost(services, actor, publication.id, { title, body_markdown: "", tags: [] }),
    { title: "Give the post a title." },
  );
  if ("failure" in outcome) return outcome.failure;
  return redirect(`/admin/${publication.slug}/posts/${outcome.result.id}`);
}

export default function NewPost() {
  const { pub } = useLoaderData<typeof loader>();
  const state = stateFor(useActionData<typeof action>(), "create");
  return (
    <>
      <p className="breadcrumbs">
        <Link to={`/admin/${pub}/posts`}>Posts</Link>
      </p>
      <h1>New post</h1>
      <div className="card form-card">
        <FormAlert state={state} />
        <Form method="post">
          <Intent value="create" />
          <Field
            name="title"
            label="Title"
            hint="You can change it later. The post starts as a draft that only members see."
            required
            maxLength={200}
            defaultValue={state?.values?.title ?? ""}
            error={state?.fieldErrors?.title}
          />
          <div className="actions">
            <button type="submit">Create draft</button>
            <Link to={`/admin/${pub}/posts`}>Cancel</Link>
          </div>
        </Form>
      </div>
    </>
  );
}
