import { data } from "@remix-run/cloudflare";
import type { z } from "zod";
import { ProblemError } from "../../worker/lib/problem";

/** What an action returns to its form: a message and errors per field. */
export interface FormResult {
  ok: boolean;
  /** Which form on a multi-form page this answers (its hidden `intent` field). */
  intent?: string;
  message?: string;
  /** The service's machine code (e.g. `wrong_account`), for pages that explain it. */
  code?: string;
  fieldErrors?: Record<string, string>;
  /** Values to put back in the form (never passwords). */
  values?: Record<string, string>;
}

const intentOf = (form: FormData) => {
  const intent = form.get("intent");
  return typeof intent === "string" ? intent : undefined;
};

/**
 * Parses a form with the same zod schema the API uses. `required` gives the
 * message for a field left empty (zod's own reads like a type error).
 */
export function parseForm<T extends z.ZodType>(
  schema: T,
  form: FormData,
  required: Record<string, string> = {},
): { success: true; data: z.infer<T> } | { success: false; fieldErrors: Record<string, string> } {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (typeof value !== "string") continue;
    if (key.endsWith("[]")) {
      const list = (raw[key.slice(0, -2)] as string[] | undefined) ?? [];
      list.push(value);
      raw[key.slice(0, -2)] = list;
    } else raw[key] = value === "" ? undefined : value;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { success: true, data: parsed.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join(".") || "form";
    const missing = issue.path.length === 1 && raw[field] === undefined;
    fieldErrors[field] ??= missing ? (required[field] ?? "This field is required.") : issue.message;
  }
  return { success: false, fieldErrors };
}

/**
 * Form values to echo back, leaving out anything secret. A repeated `name[]`
 * field (a checkbox group) comes back as its values joined by newlines.
 */
export function echoValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form) {
    if (typeof value !== "string" || /password|token|secret/i.test(key)) continue;
    values[key] = key.endsWith("[]") && key in values ? `${values[key]}\n${value}` : value;
  }
  return values;
}

/** A form refused before any service ran: 422 with its field errors and values. */
export function invalidForm(form: FormData, fieldErrors: Record<string, string>) {
  return data<FormResult>(
    {
      ok: false,
      intent: intentOf(form),
      message: "Check the highlighted fields and try again.",
      fieldErrors,
      values: echoValues(form),
    },
    { status: 422 },
  );
}

/** A refusal that belongs to no single field (e.g. an unknown intent), with its status. */
export function formError(form: FormData, message: string, status = 400) {
  return data<FormResult>(
    { ok: false, intent: intentOf(form), message, values: echoValues(form) },
    { status },
  );
}

/** A form that did what it was asked; the page shows `message` next to it. */
export function formDone(form: FormData, message: string): FormResult {
  return { ok: true, intent: intentOf(form), message };
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
        {
          ok: false,
          intent: intentOf(form),
          message: err.message,
          code: err.init.code,
          fieldErrors,
          values: echoValues(form),
        },
        { status: err.init.status, headers },
      ),
    };
  }
}

/** parseForm, then formAction: the usual shape of one form's action. */
export async function submitForm<T extends z.ZodType, R>(
  form: FormData,
  schema: T,
  run: (input: z.infer<T>) => Promise<R>,
  required: Record<string, string> = {},
): Promise<{ result: R } | { failure: ReturnType<typeof data<FormResult>> }> {
  const parsed = parseForm(schema, form, required);
  if (!parsed.success) return { failure: invalidForm(form, parsed.fieldErrors) };
  return formAction(form, () => run(parsed.data));
}
