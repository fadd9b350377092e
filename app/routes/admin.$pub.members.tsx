import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { adminTitle } from "~/components/admin-nav";
import { Field, FormAlert, Intent, SelectField, stateFor } from "~/components/form";
import { Timestamp } from "~/components/timestamp";
import { publicationPage } from "~/utils/admin.server";
import { formAction, formDone, formError, invalidForm, submitForm } from "~/utils/forms.server";
import { orResponse } from "~/utils/problems.server";
import { servicesFor } from "~/utils/services.server";
import { actorOf, requireSession } from "~/utils/session.server";
import { assignableRoles, can } from "../../worker/services/permissions";
import {
  changeMemberRole,
  invitationInput,
  inviteMember,
  leavePublication,
  listInvitations,
  listMembers,
  removeMember,
  revokeInvitation,
  roleChangeInput,
  transferInput,
  transferOwnership,
} from "../../worker/services/publications";

export const meta: MetaFunction = ({ matches }) => adminTitle(matches, "Members");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { session, services, actor, publication, role } = await publicationPage(
    request,
    context,
    params.pub,
  );
  const canManage = can(role, "members.manage");
  const [members, invitations] = await Promise.all([
    orResponse(listMembers(services, actor, publication.id)),
    canManage ? orResponse(listInvitations(services, actor, publication.id)) : [],
  ]);
  return {
    members,
    invitations,
    canManage,
    assignable: assignableRoles(role),
    me: session.userId,
    isOwner: role === "owner",
  };
}

const memberRoleInput = roleChangeInput.extend(transferInput.shape);

export async function action({ request, context, params }: ActionFunctionArgs) {
  const session = await requireSession(request, context);
  const services = servicesFor(request, context);
  const actor = actorOf(session);
  const pub = params.pub ?? "";
  const form = await request.formData();

  switch (form.get("intent")) {
    case "change-role": {
      const outcome = await submitForm(form, memberRoleInput, ({ user_id, role }) =>
        changeMemberRole(services, actor, pub, user_id, role),
      );
      return "failure" in outcome ? outcome.failure : formDone(form, "Role changed.");
    }
    case "remove": {
      const outcome = await submitForm(form, transferInput, ({ user_id }) =>
        removeMember(services, actor, pub, user_id),
      );
      return "failure" in outcome ? outcome.failure : formDone(form, "Member removed.");
    }
    case "invite": {
      const outcome = await submitForm(
        form,
        invitationInput,
        (input) => inviteMember(services, actor, pub, input),
        { email: "Enter the e-mail address to invite.", role: "Choose a role." },
      );
      return "failure" in outcome
        ? outcome.failure
        : formDone(form, `Invitation sent to ${outcome.result.email}.`);
    }
    case "revoke-invitation": {
      const id = String(form.get("invitation_id") ?? "");
      const outcome = await formAction(form, () => revokeInvitation(services, actor, pub, id));
      return "failure" in outcome ? outcome.failure : formDone(form, "Invitation revoked.");
    }
    case "transfer": {
      if (form.get("confirm") !== "yes") {
        return invalidForm(form, { confirm: "Tick the box to confirm the transfer." });
      }
      const outcome = await submitForm(
        form,
        transferInput,
        ({ user_id }) => transferOwnership(services, actor, pub, user_id),
        { user_id: "Choose the new owner." },
      );
      return "failure" in outcome
        ? outcome.failure
        : formDone(form, "Ownership transferred. You are now an admin of this publication.");
    }
    case "leave": {
      const outcome = await formAction(form, () => leavePublication(services, actor, pub));
      return "failure" in outcome ? outcome.failure : redirect("/admin?notice=left");
    }
    default:
      return formError(form, "Unknown action.");
  }
}

export default function Members() {
  const { members, invitations, canManage, assignable, me, isOwner } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const rowState = stateFor(actionData, "change-role") ?? stateFor(actionData, "remove");
  const inviteState = stateFor(actionData, "invite");
  const revokeState = stateFor(actionData, "revoke-invitation");
  const transferState = stateFor(actionData, "transfer");
  const leaveState = stateFor(actionData, "leave");
  const others = members.filter((m) => m.user_id !== me);

  const inviteForm = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (inviteState?.ok) inviteForm.current?.reset();
  }, [inviteState]);
  const inviteValues = inviteState?.ok ? {} : (inviteState?.values ?? {});

  return (
    <>
      <h1>Members</h1>
      <FormAlert state={rowState} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Members and their roles</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Handle</th>
              <th scope="col">Role</th>
              <th scope="col">Member since</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => {
              const manageable = canManage && m.user_id !== me && assignable.includes(m.role);
              const who = m.name || m.handle;
              return (
                <tr key={m.user_id}>
                  <td>
                    {who} {m.user_id === me ? <span className="badge">you</span> : null}
                  </td>
                  <td>@{m.handle}</td>
                  <td>
                    {manageable ? (
                      <Form method="post" className="row-form">
                        <Intent value="change-role" />
                        <input type="hidden" name="user_id" value={m.user_id} />
                        <label htmlFor={`role-${m.user_id}`} className="visually-hidden">
                          Role of {who}
                        </label>
                        <select id={`role-${m.user_id}`} name="role" defaultValue={m.role}>
                          {assignable.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </select>
                        <button type="submit" className="button--secondary button--small">
                          Change<span className="visually-hidden"> role of {who}</span>
                        </button>
                      </Form>
                    ) : (
                      <span className="badge">{m.role}</span>
                    )}
                  </td>
                  <td>
                    <Timestamp iso={m.since} dateOnly />
                  </td>
                  <td className="cell-actions">
                    {manageable ? (
                      <Form method="post" className="inline-form">
                        <Intent value="remove" />
                        <input type="hidden" name="user_id" value={m.user_id} />
                        <button type="submit" className="button--danger button--small">
                          Remove<span className="visually-hidden"> {who}</span>
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {canManage ? (
        <>
          <section className="section" aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">Pending invitations</h2>
            <FormAlert state={revokeState} />
            {invitations.length ? (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">E-mail</th>
                      <th scope="col">Role</th>
                      <th scope="col">Expires</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {invitations.map((i) => (
                      <tr key={i.id}>
                        <td>{i.email}</td>
                        <td>
                          <span className="badge">{i.role}</span>
                        </td>
                        <td>
                          <Timestamp iso={i.expires_at} />{" "}
                          {i.expired ? <span className="badge badge--warning">expired</span> : null}
                        </td>
                        <td className="cell-actions">
                          <Form method="post" className="inline-form">
                            <Intent value="revoke-invitation" />
                            <input type="hidden" name="invitation_id" value={i.id} />
                            <button type="submit" className="button--secondary button--small">
                              Revoke
                              <span className="visually-hidden"> invitation to {i.email}</span>
                            </button>
                          </Form>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p className="muted">No pending invitations.</p>
            )}
          </section>

          <section className="section" aria-labelledby="invite-heading">
            <h2 id="invite-heading">Invite someone</h2>
            <div className="card form-card">
              <p className="muted">
                They get an e-mail with a link that works for 7 days. They accept it signed in with
                this address, once it is confirmed.
              </p>
              <FormAlert state={inviteState} idPrefix="invite-" />
              <Form method="post" noValidate ref={inviteForm}>
                <Intent value="invite" />
                <Field
                  id="invite-email"
                  name="email"
                  label="E-mail address"
                  type="email"
                  autoComplete="off"
                  spellCheck={false}
                  required
                  defaultValue={inviteValues.email}
                  error={inviteState?.fieldErrors?.email}
                />
                <SelectField
                  id="invite-role"
                  name="role"
                  label="Role"
                  defaultValue={inviteValues.role ?? assignable.at(-1)}
                  error={inviteState?.fieldErrors?.role}
                >
                  {assignable.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </SelectField>
                <button type="submit">Send invitation</button>
              </Form>
            </div>
          </section>
        </>
      ) : null}

      {isOwner && others.length ? (
        <section className="section" aria-labelledby="transfer-heading">
          <h2 id="transfer-heading">Transfer ownership</h2>
          <div className="card form-card card--danger">
            <p className="muted">
              The new owner can delete the publication and manage everyone, you included. You become
              an admin.
            </p>
            <FormAlert state={transferState} idPrefix="transfer-" />
            <Form method="post" noValidate>
              <Intent value="transfer" />
              <SelectField
                id="transfer-user_id"
                name="user_id"
                label="New owner"
                defaultValue={transferState?.values?.user_id}
                error={transferState?.fieldErrors?.user_id}
              >
                {others.map((m) => (
                  <option key={m.user_id} value={m.user_id}>
                    {m.name || m.handle} (@{m.handle}, {m.role})
                  </option>
                ))}
              </SelectField>
              <div className="field field--checkbox">
                {transferState?.fieldErrors?.confirm ? (
                  <p id="transfer-confirm-error" className="field-error">
                    {transferState.fieldErrors.confirm}
                  </p>
                ) : null}
                <label className="checkbox">
                  <input
                    id="transfer-confirm"
                    type="checkbox"
                    name="confirm"
                    value="yes"
                    aria-invalid={transferState?.fieldErrors?.confirm ? true : undefined}
                    aria-describedby={
                      transferState?.fieldErrors?.confirm ? "transfer-confirm-error" : undefined
                    }
                  />
                  I understand that I will no longer own this publication.
                </label>
              </div>
              <button type="submit" className="button--danger">
                Transfer ownership
              </button>
            </Form>
          </div>
        </section>
      ) : null}

      {isOwner ? null : (
        <section className="section" aria-labelledby="leave-heading">
          <h2 id="leave-heading">Leave this publication</h2>
          <FormAlert state={leaveState} />
          <Form method="post">
            <Intent value="leave" />
            <button type="submit" className="button--danger">
              Leave publication
            </button>
          </Form>
        </section>
      )}
    </>
  );
}
