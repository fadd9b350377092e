import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { type FieldError, problem } from "../lib/problem";

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * `zValidator` with Folio's answers: a body that is not JSON is 415, malformed
 * JSON is 400 (raised by Hono, mapped in onError), and a body, query or path that
 * fails its schema is 422 (400 for query/params) with one entry per field.
 */
export const validate = <Target extends keyof ValidationTargets, T extends z.ZodType>(
  target: Target,
  schema: T,
) =>
  zValidator(target, schema, (result, c) => {
    if (target === "json" && !JSON_TYPE.test(c.req.header("content-type") ?? "")) {
      throw problem(415, "Send the request body as application/json.");
    }
    if (!result.success) {
      const status = target === "json" || target === "form" ? 422 : 400;
      throw problem(status, "Some fields are missing or invalid.", {
        code: "validation_failed",
        errors: fieldErrors(result.error),
      });
    }
  });

export function fieldErrors(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}
