import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useEffect,
  useRef,
} from "react";

/** The client-side view of an action's FormResult (see app/utils/forms.server.ts). */
export interface FormState {
  ok: boolean;
  intent?: string;
  message?: string;
  code?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
}

/**
 * The action result meant for one form. On pages with several forms, each
 * form sends a hidden `intent`, and only the matching form shows the result.
 */
export function stateFor(actionData: unknown, intent?: string): FormState | undefined {
  if (!actionData || typeof actionData !== "object" || !("ok" in actionData)) return undefined;
  const state = actionData as FormState;
  if (intent !== undefined && state.intent !== intent) return undefined;
  return state;
}

export function Intent({ value }: { value: string }) {
  return <input type="hidden" name="intent" value={value} />;
}

/** ids for a field's hint and error, joined for aria-describedby. */
function describe(id: string, hint: ReactNode, error: string | undefined) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return {
    hintId,
    errorId,
    describedBy: [hintId, errorId].filter(Boolean).join(" ") || undefined,
  };
}

interface FieldChrome {
  name: string;
  label: ReactNode;
  /** Defaults to `name`; pages with several forms prefix it to keep ids unique. */
  id?: string;
  hint?: ReactNode;
  error?: string;
}

function FieldFrame({
  id,
  label,
  hint,
  error,
  hintId,
  errorId,
  children,
}: Omit<FieldChrome, "name"> & {
  id: string;
  hintId?: string;
  errorId?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
      {children}
    </div>
  );
}

export function Field({
  name,
  label,
  id = name,
  hint,
  error,
  ...input
}: FieldChrome & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id">) {
  const { hintId, errorId, describedBy } = describe(id, hint, error);
  return (
    <FieldFrame {...{ id, label, hint, error, hintId, errorId }}>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
    </FieldFrame>
  );
}

export function TextAreaField({
  name,
  label,
  id = name,
  hint,
  error,
  ...textarea
}: FieldChrome & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "name" | "id">) {
  const { hintId, errorId, describedBy } = describe(id, hint, error);
  return (
    <FieldFrame {...{ id, label, hint, error, hintId, errorId }}>
      <textarea
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...textarea}
      />
    </FieldFrame>
  );
}

export function SelectField({
  name,
  label,
  id = name,
  hint,
  error,
  children,
  ...select
}: FieldChrome & Omit<SelectHTMLAttributes<HTMLSelectElement>, "name" | "id">) {
  const { hintId, errorId, describedBy } = describe(id, hint, error);
  return (
    <FieldFrame {...{ id, label, hint, error, hintId, errorId }}>
      <select
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...select}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

/**
 * The outcome of a form, above it: success as a status message; failure as an
 * error summary linking to each field in trouble. With JavaScript, focus moves
 * to a new error summary so keyboard and screen reader users land on it.
 */
export function FormAlert({ state, idPrefix = "" }: { state?: FormState; idPrefix?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state && !state.ok) ref.current?.focus();
  }, [state]);
  if (!state?.message && !state?.fieldErrors) return null;
  if (state.ok) {
    return (
      <div className="alert alert--success" role="status">
        {state.message}
      </div>
    );
  }
  const fields = Object.entries(state.fieldErrors ?? {});
  return (
    <div className="alert alert--error error-summary" role="alert" tabIndex={-1} ref={ref}>
      {fields.length ? (
        <>
          <p className="error-summary__title">There is a problem</p>
          <ul>
            {fields.map(([field, message]) => (
              <li key={field}>
                <a href={`#${idPrefix}${field}`}>{message}</a>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{state.message}</p>
      )}
    </div>
  );
}

/**
 * A ref for a form whose password fields empty after every answer. The server
 * never echoes a password; this keeps the browser from holding one either.
 */
export function useClearedPasswords(state: FormState | undefined) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!state) return;
    for (const input of ref.current?.querySelectorAll("input[type=password]") ?? []) {
      (input as HTMLInputElement).value = "";
    }
  }, [state]);
  return ref;
}
