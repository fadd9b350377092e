import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env";
import { problem } from "../../lib/problem";
import {
  changePassword,
  changePasswordInput,
  getProfile,
  profileInput,
  updateProfile,
} from "../../services/accounts";
import { acceptInvitation, acceptInvitationInput } from "../../services/publications";
import { clearedSessionCookie, listSessions, revokeSession } from "../../services/sessions";
import { requireUser } from "../middleware/authenticate";
import { validate } from "../validate";

const sessionParam = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, "Not a session id.") });

export const me = new Hono<AppEnv>()
  .get("/", async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json(await getProfile(c.get("services"), requireUser(c).userId));
  })

  .patch("/", validate("json", profileInput), async (c) => {
    return c.json(
      await updateProfile(c.get("services"), requireUser(c).userId, c.req.valid("json")),
    );
  })

  .post("/password", validate("json", changePasswordInput), async (c) => {
    const user = requireUser(c);
    await changePassword(c.get("services"), user.userId, c.req.valid("json"), c.get("sessionId"));
    return c.body(null, 204);
  })

  .get("/sessions", async (c) => {
    const user = requireUser(c);
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: await listSessions(c.get("services"), user.userId, c.get("sessionId")) });
  })

  .delete("/sessions/:id", validate("param", sessionParam), async (c) => {
    const user = requireUser(c);
    const { id } = c.req.valid("param");
    if (!(await revokeSession(c.get("services"), user.userId, id)))
      throw problem(404, "No such session.");
    if (id === c.get("sessionId")) c.header("Set-Cookie", clearedSessionCookie());
    return c.body(null, 204);
  })

  .post("/invitations/accept", validate("json", acceptInvitationInput), async (c) => {
    const publication = await acceptInvitation(
      c.get("services"),
      requireUser(c),
      c.req.valid("json").token,
    );
    return c.json(publication);
  });
