import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env";
import { apiKeyInput, createApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys";
import {
  changeMemberRole,
  createPublication,
  deletePublication,
  getPublication,
  invitationInput,
  inviteMember,
  leavePublication,
  listInvitations,
  listMembers,
  listMyPublications,
  publicationInput,
  publicationUpdateInput,
  removeMember,
  revokeInvitation,
  roleChangeInput,
  transferInput,
  transferOwnership,
  updatePublication,
} from "../../services/publications";
import { requireActor, requireUser } from "../middleware/authenticate";
import { idempotent, idempotentWith } from "../middleware/idempotency";
import { validate } from "../validate";

const id = z.string().min(1).max(64);
const pubParam = z.object({ pub: z.string().min(1).max(64) });
const memberParam = pubParam.extend({ userId: id });
const invitationParam = pubParam.extend({ invitationId: id });
const keyParam = pubParam.extend({ keyId: id });

/** `/api/v1/publications`: publications, members, invitations and API keys. */
export const publicationsApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: await listMyPublications(c.get("services"), requireActor(c)) });
  })
  .post("/", idempotent, validate("json", publicationInput), async (c) => {
    const created = await createPublication(c.get("services"), requireUser(c), c.req.valid("json"));
    c.header("Location", `/api/v1/publications/${created.slug}`);
    return c.json(created, 201);
  })
  .get("/:pub", validate("param", pubParam), async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json(
      await getPublication(c.get("services"), requireActor(c), c.req.valid("param").pub),
    );
  })
  .patch(
    "/:pub",
    validate("param", pubParam),
    validate("json", publicationUpdateInput),
    async (c) => {
      const { pub } = c.req.valid("param");
      return c.json(
        await updatePublication(c.get("services"), requireActor(c), pub, c.req.valid("json")),
      );
    },
  )
  .delete("/:pub", validate("param", pubParam), async (c) => {
    await deletePublication(c.get("services"), requireUser(c), c.req.valid("param").pub);
    return c.body(null, 204);
  })
  .post(
    "/:pub/transfer",
    validate("param", pubParam),
    validate("json", transferInput),
    async (c) => {
      const { pub } = c.req.valid("param");
      await transferOwnership(c.get("services"), requireUser(c), pub, c.req.valid("json").user_id);
      return c.body(null, 204);
    },
  )

  // Members
  .get("/:pub/members", validate("param", pubParam), async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json({
      data: await listMembers(c.get("services"), requireActor(c), c.req.valid("param").pub),
    });
  })
  .patch(
    "/:pub/members/:userId",
    validate("param", memberParam),
    validate("json", roleChangeInput),
    async (c) => {
      const { pub, userId } = c.req.valid("param");
      return c.json(
        await changeMemberRole(
          c.get("services"),
          requireActor(c),
          pub,
          userId,
          c.req.valid("json").role,
        ),
      );
    },
  )
  .delete("/:pub/members/:userId", validate("param", memberParam), async (c) => {
    const { pub, userId } = c.req.valid("param");
    await removeMember(c.get("services"), requireActor(c), pub, userId);
    return c.body(null, 204);
  })
  .post("/:pub/leave", validate("param", pubParam), async (c) => {
    await leavePublication(c.get("services"), requireUser(c), c.req.valid("param").pub);
    return c.body(null, 204);
  })

  // Invitations
  .get("/:pub/invitations", validate("param", pubParam), async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json({
      data: await listInvitations(c.get("services"), requireActor(c), c.req.valid("param").pub),
    });
  })
  .post(
    "/:pub/invitations",
    idempotent,
    validate("param", pubParam),
    validate("json", invitationInput),
    async (c) => {
      const invitation = await inviteMember(
        c.get("services"),
        requireActor(c),
        c.req.valid("param").pub,
        c.req.valid("json"),
      );
      return c.json(invitation, 201);
    },
  )
  .delete("/:pub/invitations/:invitationId", validate("param", invitationParam), async (c) => {
    const { pub, invitationId } = c.req.valid("param");
    await revokeInvitation(c.get("services"), requireActor(c), pub, invitationId);
    return c.body(null, 204);
  })

  // API keys
  .get("/:pub/api-keys", validate("param", pubParam), async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json({
      data: await listApiKeys(c.get("services"), requireActor(c), c.req.valid("param").pub),
    });
  })
  .post(
    "/:pub/api-keys",
    idempotentWith({ redact: ["secret"] }),
    validate("param", pubParam),
    validate("json", apiKeyInput),
    async (c) => {
      const key = await createApiKey(
        c.get("services"),
        requireActor(c),
        c.req.valid("param").pub,
        c.req.valid("json"),
      );
      c.header("Cache-Control", "no-store");
      return c.json(key, 201);
    },
  )
  .delete("/:pub/api-keys/:keyId", validate("param", keyParam), async (c) => {
    const { pub, keyId } = c.req.valid("param");
    await revokeApiKey(c.get("services"), requireActor(c), pub, keyId);
    return c.body(null, 204);
  });
