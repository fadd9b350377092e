import { Hono } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../../env";
import { problem } from "../../lib/problem";
import {
  authenticate as checkPassword,
  forgotPasswordInput,
  logInInput,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  resetPasswordInput,
  signUp,
  signUpInput,
  toProfile,
  verifyEmail,
  verifyEmailInput,
} from "../../services/accounts";
import { recordAudit } from "../../services/audit";
import {
  exchangeToken,
  revokeInput,
  revokeToken,
  tokenRequestInput,
} from "../../services/auth-tokens";
import {
  clearedSessionCookie,
  createSession,
  revokeSession,
  sessionCookie,
  sessionTokenFrom,
} from "../../services/sessions";
import { requireUser } from "../middleware/authenticate";
import { fieldErrors, validate } from "../validate";

const ACCEPTED = {
  status: "accepted",
  detail: "If the address can be used, we have sent it an e-mail with the next step.",
};

export const auth = new Hono<AppEnv>()
  .post("/signup", validate("json", signUpInput), async (c) => {
    await signUp(c.get("services"), c.req.valid("json"));
    return c.json(ACCEPTED, 202);
  })

  // Cookie session for browser clients of the JSON API (the Remix forms use the same services).
  .post("/login", validate("json", logInInput), async (c) => {
    const services = c.get("services");
    const { email, password } = c.req.valid("json");
    const user = await checkPassword(services, email, password);
    const session = await createSession(
      services,
      user.id,
      sessionTokenFrom(c.req.header("cookie")),
    );
    await recordAudit(services, {
      action: "auth.login",
      actor: { kind: "user", userId: user.id, via: "session" },
      targetType: "user",
      targetId: user.id,
      metadata: { grant: "session" },
    });
    c.header("Set-Cookie", sessionCookie(session.token));
    c.header("Cache-Control", "no-store");
    return c.json({ user: toProfile(user), session_expires_at: session.expiresAt });
  })

  .post("/logout", async (c) => {
    const actor = c.get("actor");
    if (actor?.kind === "user" && actor.via === "session" && actor.sessionId) {
      await revokeSession(c.get("services"), actor.userId, actor.sessionId);
    }
    c.header("Set-Cookie", clearedSessionCookie());
    return c.body(null, 204);
  })

  // OAuth 2.0 shaped token endpoint: form-encoded (as the RFC says) or JSON.
  .post("/token", async (c) => {
    const input = await parseOAuthBody(c.req.raw, tokenRequestInput);
    c.header("Cache-Control", "no-store");
    return c.json(await exchangeToken(c.get("services"), input));
  })

  .post("/revoke", async (c) => {
    const { token } = await parseOAuthBody(c.req.raw, revokeInput);
    await revokeToken(c.get("services"), token);
    return c.body(null, 200);
  })

  .post("/verify-email", validate("json", verifyEmailInput), async (c) => {
    await verifyEmail(c.get("services"), c.req.valid("json").token);
    return c.json({ status: "verified" });
  })

  .post("/verify-email/resend", async (c) => {
    await resendVerification(c.get("services"), requireUser(c).userId);
    return c.json(ACCEPTED, 202);
  })

  .post("/password/forgot", validate("json", forgotPasswordInput), async (c) => {
    await requestPasswordReset(c.get("services"), c.req.valid("json").email);
    return c.json(ACCEPTED, 202);
  })

  .post("/password/reset", validate("json", resetPasswordInput), async (c) => {
    await resetPassword(c.get("services"), c.req.valid("json"));
    return c.json({ status: "password_changed" });
  });

async function parseOAuthBody<T extends z.ZodType>(
  request: Request,
  schema: T,
): Promise<z.infer<T>> {
  const type = request.headers.get("content-type") ?? "";
  let body: unknown;
  if (type.startsWith("application/x-www-form-urlencoded")) {
    body = Object.fromEntries(new URLSearchParams(await request.text()));
  } else if (/^application\/json/.test(type)) {
    try {
      body = await request.json();
    } catch {
      throw problem(400, "Malformed JSON in request body.", { code: "invalid_json" });
    }
  } else {
    throw problem(415, "Send application/x-www-form-urlencoded or application/json.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw problem(400, "The token request is missing or has invalid fields.", {
      code: "invalid_request",
      errors: fieldErrors(parsed.error),
    });
  }
  return parsed.data;
}
