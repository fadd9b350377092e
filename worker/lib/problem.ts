/**
 * RFC 9457 problem details. Every API error leaves the Worker as one of these,
 * with a stable machine `code` clients can switch on.
 */
export const problemTypes = {
  400: { code: "bad_request", title: "Bad request" },
  401: { code: "unauthorized", title: "Authentication required" },
  403: { code: "forbidden", title: "Forbidden" },
  404: { code: "not_found", title: "Not found" },
  405: { code: "method_not_allowed", title: "Method not allowed" },
  409: { code: "conflict", title: "Conflict" },
  412: { code: "precondition_failed", title: "Precondition failed" },
  413: { code: "payload_too_large", title: "Payload too large" },
  415: { code: "unsupported_media_type", title: "Unsupported media type" },
  422: { code: "validation_failed", title: "Validation failed" },
  428: { code: "precondition_required", title: "Precondition required" },
  429: { code: "rate_limited", title: "Too many requests" },
  500: { code: "internal_error", title: "Internal server error" },
  503: { code: "unavailable", title: "Service unavailable" },
} as const;

export type ProblemStatus = keyof typeof problemTypes;

export interface FieldError {
  /** Dotted path of the offending field, e.g. `tags.2`. */
  field: string;
  message: string;
}

export interface ProblemInit {
  status: ProblemStatus;
  detail?: string;
  /** Overrides the default code of the status, e.g. `invalid_json`. */
  code?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members, e.g. `current` version on a 412. */
  extra?: Record<string, unknown>;
}

/** Thrown anywhere in the application layer; the gateway turns it into problem+json. */
export class ProblemError extends Error {
  readonly init: ProblemInit;
  constructor(init: ProblemInit) {
    super(init.detail ?? problemTypes[init.status].title);
    this.name = "ProblemError";
    this.init = init;
  }
}

export const problem = (
  status: ProblemStatus,
  detail?: string,
  more: Omit<ProblemInit, "status" | "detail"> = {},
) => new ProblemError({ status, detail, ...more });

export function problemBody(init: ProblemInit, instance?: string) {
  const base = problemTypes[init.status];
  const code = init.code ?? base.code;
  return {
    type: `https://folio.dev/problems/${code.replaceAll("_", "-")}`,
    title: base.title,
    status: init.status,
    code,
    ...(init.detail ? { detail: init.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(init.errors?.length ? { errors: init.errors } : {}),
    ...init.extra,
  };
}

export function problemResponse(init: ProblemInit, requestId?: string): Response {
  const body = problemBody(init, requestId ? `urn:folio:request:${requestId}` : undefined);
  return new Response(JSON.stringify(body), {
    status: init.status,
    headers: { "content-type": "application/problem+json; charset=utf-8", ...init.headers },
  });
}
