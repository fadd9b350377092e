import { data } from "@remix-run/cloudflare";
import type { z } from "zod";
import { ProblemError } from "../../worker/lib/problem";

/** What an action returns to its form: a message and errors per field. */
export interface FormResult {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  /** Values to put back in the form (never passwords). */
  values?: Record<string, string>;
}

/** Parses a form with the same zod schema the API uses. */
export function parseForm<T extends z.ZodType>(
  schema: T,
  form: FormData,
):
  | { success: true; data: z.infer<T> }
  | { success: false; fieldErrors: Record<string, string> } {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (typeof value !== "string") continue;
    if (key.endsWith("[]")) ((raw[key.slice(0, -2)] ??= []) as string[]).push(value);
    else raw[key] = value === "" ? undefined : value;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { success: true, data: parsed.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join(".") || "form";
    fieldErrors[field] ??= issue.message;
  }
  return { success: false, fieldErrors };
}

/** Form values to echo back, leaving out anything secret. */
export function echoValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form) {
    if (typeof value === "string" && !/password|token|secret/i.test(key)) values[key] = value;
  }
  return values;
}

/**
 * Runs an application-layer call for a form: a ProblemError becomes the form's
 * message and field errors with its HTTP status; anything else is rethrown.
 */
export async function formAction<T>(
  form: FormData,
  run: () => Promise<T>,
): Promise<{ result: T } | { failure: ReturnType<typeof data<FormResult>> }> {
  try {
    return { result: await run() };
  } catch (err) {
    if (!(err instanceof ProblemError)) throw err;
    const fieldErrors: Record<string, string> = {};
    for (const e of err.init.errors ?? []) fieldErrors[e.field] ??= e.message;
    const headers = err.init.headers?.["Retry-After"]
      ? { "Retry-After": err.init.headers["Retry-After"] }
      : undefined;
    return {
      failure: data<FormResult>(
        { ok: false, message: err.message, fieldErrors, values: echoValues(form) },
        { status: err.init.status, headers },
      ),
    };
  }
}
