import { Form, useFetcher, useLocation } from "@remix-run/react";
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { Field, TextAreaField } from "./form";

/**
 * The post editor: a plain form that saves without JavaScript, enhanced when
 * it runs with a live preview, word count, Ctrl/Cmd+S, autosave with the
 * version it started from, a conflict view on a stale save, and a copy of
 * unsaved text in localStorage so a closed tab or a lost connection never
 * loses a paragraph.
 */

export const FIELD_NAMES = ["title", "slug", "excerpt", "tags", "body_markdown"] as const;
export type EditorFields = Record<(typeof FIELD_NAMES)[number], string>;

/** The post as someone else saved it, sent with a 412. */
export interface EditorConflict extends EditorFields {
  version: number;
  updated_at: string;
}

/** What the editor's action answers (a FormResult plus versions). */
export interface EditorResult {
  ok: boolean;
  intent?: string;
  message?: string;
  code?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  /** The post's version once the submitted text is what the server holds. */
  version?: number;
  conflict?: EditorConflict;
  /** Set by the client action when the request never reached the server. */
  offline?: boolean;
}

const AUTOSAVE_MS = 5000;
const PREVIEW_MS = 120;

type Status = "saved" | "dirty" | "saving" | "offline" | "conflict" | "error";

const STATUS_TEXT: Record<Status, string> = {
  saved: "Saved",
  dirty: "Unsaved changes",
  saving: "Saving…",
  offline: "Offline — kept on this device",
  conflict: "Not saved: someone saved a newer version",
  error: "Not saved",
};

// ---- unsaved text on this device ----------------------------------------------

interface StoredDraft {
  fields: EditorFields;
  /** The version the text was written on; a save sends it, so a newer save elsewhere is a conflict. */
  baseVersion: number;
  savedAt: number;
}

export const draftKey = (postId: string) => `folio:draft:${postId}`;

function readDraft(postId: string): StoredDraft | null {
  try {
    const raw = window.localStorage.getItem(draftKey(postId));
    if (!raw) return null;
    const draft = JSON.parse(raw) as Partial<StoredDraft>;
    const fields = draft.fields as Partial<EditorFields> | undefined;
    if (
      !fields ||
      !FIELD_NAMES.every((k) => typeof fields[k] === "string") ||
      typeof draft.baseVersion !== "number" ||
      typeof draft.savedAt !== "number"
    ) {
      return null;
    }
    return draft as StoredDraft;
  } catch {
    return null;
  }
}

/** False when the browser refused (private mode, quota): the status line says so. */
function writeDraft(postId: string, draft: StoredDraft): boolean {
  try {
    window.localStorage.setItem(draftKey(postId), JSON.stringify(draft));
    return true;
  } catch {
    return false;
  }
}

export function clearDraft(postId: string) {
  try {
    window.localStorage.removeItem(draftKey(postId));
  } catch {
    // Storage unavailable: nothing was kept either.
  }
}

// ---- fields ---------------------------------------------------------------------

const tidyTags = (tags: string) =>
  tags
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .join(", ");

/** Compares as the server will store it (trimmed, tags normalized, LF line ends). */
function sameFields(a: EditorFields, b: EditorFields): boolean {
  return (
    a.title.trim() === b.title.trim() &&
    a.slug.trim() === b.slug.trim() &&
    a.excerpt.trim() === b.excerpt.trim() &&
    tidyTags(a.tags) === tidyTags(b.tags) &&
    a.body_markdown.replace(/\r\n?/g, "\n") === b.body_markdown.replace(/\r\n?/g, "\n")
  );
}

function pickFields(source: object): EditorFields {
  const from = source as Partial<Record<string, unknown>>;
  const out = {} as EditorFields;
  for (const k of FIELD_NAMES) {
    const value = from[k];
    out[k] = typeof value === "string" ? value : "";
  }
  return out;
}

function control(form: HTMLFormElement, name: string) {
  return form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | null;
}

function readFields(form: HTMLFormElement): EditorFields {
  const out = {} as EditorFields;
  for (const k of FIELD_NAMES) out[k] = control(form, k)?.value ?? "";
  return out;
}

function writeFields(form: HTMLFormElement, fields: EditorFields) {
  for (const k of FIELD_NAMES) {
    const el = control(form, k);
    if (el) el.value = fields[k];
  }
}

const timeOf = (ms: number) =>
  new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

type MarkdownModule = typeof import("../../worker/lib/markdown");

// ---- component ----------------------------------------------------------------------

export interface PostEditorProps {
  postId: string;
  /** The post as the server holds it. */
  server: EditorFields & { version: number };
  /** Server-rendered HTML of the saved body (the preview before JavaScript). */
  previewHtml: string;
  stats: { words: number; minutes: number };
  readOnly: boolean;
  /** The action's answer to a full form submission (useActionData). */
  result?: EditorResult;
  /** Buttons and fields that submit with the post (publish, schedule…). */
  actions?: ReactNode;
}

interface Conflict {
  theirs: EditorConflict;
  mine: EditorFields;
}

/** What the form shows first: the server's post, or what a refused submission sent. */
function startingPoint(server: PostEditorProps["server"], result?: EditorResult) {
  // Only a refused submission of the editor's own fields (not delete, not a bare publish).
  const refused =
    result &&
    !result.ok &&
    result.values &&
    "title" in result.values &&
    result.version === undefined;
  const fields = refused ? pickFields(result.values ?? {}) : pickFields(server);
  const sentVersion = Number(result?.values?.version);
  const version = refused && Number.isInteger(sentVersion) ? sentVersion : server.version;
  const conflict: Conflict | null = result?.conflict
    ? { theirs: result.conflict, mine: fields }
    : null;
  return { fields, version, conflict, dirty: !sameFields(fields, pickFields(server)) };
}

export function PostEditor({
  postId,
  server,
  previewHtml,
  stats,
  readOnly,
  result,
  actions,
}: PostEditorProps) {
  const location = useLocation();
  const fetcher = useFetcher();
  const formRef = useRef<HTMLFormElement>(null);

  // Frozen at mount: a loader revalidation must never overwrite what is being typed.
  const [start] = useState(() => startingPoint(server, result));
  const versionRef = useRef(start.version);
  const savedRef = useRef<EditorFields>(pickFields(server));
  const inFlightRef = useRef<EditorFields | null>(null);
  const formSubmitRef = useRef<EditorFields | null>(null);
  const autosaveTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const previewTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const markdownRef = useRef<MarkdownModule | null>(null);

  const [hydrated, setHydrated] = useState(false);
  const [status, setStatusState] = useState<Status>(start.dirty ? "dirty" : "saved");
  const statusRef = useRef(status);
  const [problem, setProblem] = useState<string | null>(null);
  const [storageFailed, setStorageFailed] = useState(false);
  const [conflict, setConflictState] = useState<Conflict | null>(start.conflict);
  const conflictRef = useRef(conflict);
  const [offer, setOfferState] = useState<StoredDraft | null>(null);
  const offerRef = useRef(offer);
  const [preview, setPreview] = useState({
    title: start.fields.title,
    html: previewHtml,
    words: stats.words,
    minutes: stats.minutes,
  });

  const setStatus = (next: Status) => {
    statusRef.current = next;
    setStatusState(next);
  };
  const setConflict = (next: Conflict | null) => {
    conflictRef.current = next;
    setConflictState(next);
  };
  const setOffer = (next: StoredDraft | null) => {
    offerRef.current = next;
    setOfferState(next);
  };
  // Controlled: React re-renders would reset an uncontrolled hidden input to its default.
  const [version, setVersionState] = useState(start.version);
  const setVersion = (next: number) => {
    versionRef.current = next;
    setVersionState(next);
  };
  const current = () => (formRef.current ? readFields(formRef.current) : start.fields);

  const keepOnDevice = (fields: EditorFields) => {
    if (offerRef.current) return; // never overwrite text still waiting for restore/discard
    const kept = writeDraft(postId, {
      fields,
      baseVersion: versionRef.current,
      savedAt: Date.now(),
    });
    setStorageFailed(!kept);
  };

  const renderPreview = () => {
    clearTimeout(previewTimer.current);
    previewTimer.current = setTimeout(() => {
      const fields = current();
      const md = markdownRef.current;
      if (!md) {
        setPreview((p) => ({ ...p, title: fields.title }));
        return;
      }
      const out = md.renderMarkdown(fields.body_markdown);
      setPreview({
        title: fields.title,
        html: out.html,
        words: out.wordCount,
        minutes: out.readingMinutes,
      });
    }, PREVIEW_MS);
  };

  const scheduleAutosave = () => {
    clearTimeout(autosaveTimer.current);
    autosaveTimer.current = setTimeout(() => save(), AUTOSAVE_MS);
  };

  /** Saves the form's text through the fetcher (autosave, Ctrl/Cmd+S, the Save button). */
  const save = () => {
    clearTimeout(autosaveTimer.current);
    if (readOnly || conflictRef.current || offerRef.current) return;
    if (inFlightRef.current) {
      // One save at a time; the next starts from the version this one returns.
      scheduleAutosave();
      return;
    }
    const fields = current();
    if (sameFields(fields, savedRef.current)) {
      clearDraft(postId);
      setStatus("saved");
      return;
    }
    if (!navigator.onLine) {
      keepOnDevice(fields);
      setStatus("offline");
      return;
    }
    const body = new FormData();
    body.set("intent", "save");
    for (const k of FIELD_NAMES) body.set(k, fields[k]);
    body.set("version", String(versionRef.current));
    inFlightRef.current = fields;
    setStatus("saving");
    fetcher.submit(body, { method: "post" });
  };

  /** Applies an answer to a save (from the fetcher or a full form submission). */
  const settle = (res: EditorResult | undefined, submitted: EditorFields) => {
    if (res?.conflict) {
      clearTimeout(autosaveTimer.current);
      setConflict({ theirs: res.conflict, mine: submitted });
      setStatus("conflict");
      return;
    }
    if (typeof res?.version === "number") {
      setVersion(res.version);
      savedRef.current = submitted;
      const now = current();
      if (sameFields(now, submitted)) clearDraft(postId);
      else keepOnDevice(now);
    }
    if (res?.offline) {
      setStatus("offline");
      return;
    }
    if (!res?.ok) {
      const fieldMessage = Object.values(res?.fieldErrors ?? {})[0];
      setProblem(fieldMessage ?? res?.message ?? "The server did not answer.");
      setStatus("error");
      return;
    }
    setProblem(null);
    if (sameFields(current(), savedRef.current)) setStatus("saved");
    else {
      setStatus("dirty");
      scheduleAutosave();
    }
  };

  const onInput = () => {
    renderPreview();
    if (readOnly) return;
    const fields = current();
    const dirty = !sameFields(fields, savedRef.current);
    if (dirty) keepOnDevice(fields);
    else if (!offerRef.current) clearDraft(postId);
    if (conflictRef.current || statusRef.current === "saving") return;
    setStatus(dirty ? (navigator.onLine ? "dirty" : "offline") : "saved");
    if (dirty) scheduleAutosave();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.value === "save") {
      event.preventDefault();
      save();
      return;
    }
    // Publish, schedule…: the action saves the text first; remember what was sent.
    clearTimeout(autosaveTimer.current);
    formSubmitRef.current = current();
  };

  // Latest handlers for listeners registered once.
  const handlers = useRef({ save, onInput, settle });
  handlers.current = { save, onInput, settle };

  // Answers of fetcher saves.
  useEffect(() => {
    if (fetcher.state !== "idle" || !inFlightRef.current) return;
    const submitted = inFlightRef.current;
    inFlightRef.current = null;
    handlers.current.settle(fetcher.data as EditorResult | undefined, submitted);
  }, [fetcher.state, fetcher.data]);

  // Answers of full form submissions (publish, schedule, keep mine without a fetcher…).
  const lastResult = useRef(result);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per action answer
  useEffect(() => {
    if (result === lastResult.current) return;
    lastResult.current = result;
    if (!result) return;
    const submitted = formSubmitRef.current ?? current();
    formSubmitRef.current = null;
    handlers.current.settle(result, submitted);
  }, [result]);

  // Mount: load the Markdown renderer, offer unsaved text, listen for keys and leaving.
  // biome-ignore lint/correctness/useExhaustiveDependencies: mount-only wiring through refs
  useEffect(() => {
    setHydrated(true);
    let cancelled = false;
    import("../../worker/lib/markdown").then((md) => {
      if (cancelled) return;
      markdownRef.current = md;
      handlers.current.onInput();
    });

    if (!readOnly) {
      const draft = readDraft(postId);
      const shown = current();
      if (
        draft &&
        (sameFields(draft.fields, shown) || sameFields(draft.fields, savedRef.current))
      ) {
        clearDraft(postId);
      } else if (draft) {
        setOffer(draft);
      }
      if (start.dirty && !draft) keepOnDevice(shown);
    }

    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s") {
        e.preventDefault();
        handlers.current.save();
      }
    };
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (readOnly || statusRef.current === "saved") return;
      e.preventDefault();
      e.returnValue = "";
    };
    const onOnline = () => {
      if (statusRef.current === "offline") handlers.current.save();
    };
    const onOffline = () => {
      if (statusRef.current === "dirty") setStatus("offline");
    };
    document.addEventListener("keydown", onKey);
    window.addEventListener("beforeunload", onBeforeUnload);
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    return () => {
      cancelled = true;
      clearTimeout(autosaveTimer.current);
      clearTimeout(previewTimer.current);
      document.removeEventListener("keydown", onKey);
      window.removeEventListener("beforeunload", onBeforeUnload);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
    };
  }, []);

  const restore = () => {
    const draft = offerRef.current;
    const form = formRef.current;
    if (!draft || !form) return;
    setOffer(null);
    writeFields(form, draft.fields);
    // Saved from the version it was written on: a newer save elsewhere shows as a conflict.
    setVersion(draft.baseVersion);
    onInput();
  };

  const discard = () => {
    setOffer(null);
    clearDraft(postId);
  };

  const keepMine = (event: FormEvent<HTMLFormElement>) => {
    const theirs = conflictRef.current?.theirs;
    if (!theirs) return;
    event.preventDefault();
    setConflict(null);
    setVersion(theirs.version);
    save();
  };

  const takeTheirs = (event: { preventDefault(): void }) => {
    const theirs = conflictRef.current?.theirs;
    const form = formRef.current;
    if (!theirs || !form) return;
    event.preventDefault();
    const fields = pickFields(theirs);
    writeFields(form, fields);
    setVersion(theirs.version);
    savedRef.current = fields;
    clearDraft(postId);
    setConflict(null);
    setProblem(null);
    setStatus("saved");
    renderPreview();
  };

  const fieldErrors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  const statusText =
    status === "error" && problem ? `${STATUS_TEXT.error}: ${problem}` : STATUS_TEXT[status];

  return (
    <div className="post-editor">
      {offer ? (
        <div className="alert alert--warning editor-offer" role="alert">
          <p>
            Restore unsaved changes from <time>{timeOf(offer.savedAt)}</time>?
          </p>
          <div className="actions">
            <button type="button" onClick={restore}>
              Restore
            </button>
            <button type="button" className="button--secondary" onClick={discard}>
              Discard
            </button>
          </div>
        </div>
      ) : null}

      {conflict ? (
        <ConflictPanel
          conflict={conflict}
          reloadHref={location.pathname}
          onKeepMine={keepMine}
          onUseTheirs={takeTheirs}
        />
      ) : null}

      <Form
        method="post"
        ref={formRef}
        id="post-form"
        className="editor-layout"
        onInput={onInput}
        onSubmit={onSubmit}
        aria-label="Post"
      >
        <div className="editor-main">
          <div className="editor-toolbar">
            {readOnly ? null : (
              <button type="submit" name="intent" value="save">
                Save
              </button>
            )}
            <p className="editor-status" role="status">
              {hydrated && !readOnly ? statusText : null}
              {hydrated && storageFailed ? " (this browser is not keeping a copy)" : null}
            </p>
            {hydrated && !readOnly ? (
              <span className="muted editor-shortcut">
                <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>S</kbd> saves
              </span>
            ) : null}
          </div>

          <input type="hidden" name="version" value={version} />
          <Field
            name="title"
            label="Title"
            required
            maxLength={200}
            readOnly={readOnly}
            defaultValue={start.fields.title}
            error={fieldErrors.title}
          />
          <TextAreaField
            name="body_markdown"
            label="Body (Markdown)"
            className="editor-body"
            rows={20}
            spellCheck
            readOnly={readOnly}
            defaultValue={start.fields.body_markdown}
            error={fieldErrors.body_markdown}
          />
          <p className="muted editor-stats">
            {preview.words} {preview.words === 1 ? "word" : "words"} · {preview.minutes} min read
          </p>
          <details className="editor-details" open={Boolean(fieldErrors.slug || fieldErrors.tags)}>
            <summary>Slug, tags and excerpt</summary>
            <Field
              name="slug"
              label="Slug"
              hint="The address of the post: lower-case letters, digits and dashes."
              maxLength={100}
              readOnly={readOnly}
              defaultValue={start.fields.slug}
              error={fieldErrors.slug}
            />
            <Field
              name="tags"
              label="Tags"
              hint="Separate tags with commas; at most 10."
              readOnly={readOnly}
              defaultValue={start.fields.tags}
              error={fieldErrors.tags}
            />
            <TextAreaField
              name="excerpt"
              label="Excerpt"
              hint="Leave empty to use the opening lines of the post."
              className="textarea--short"
              maxLength={500}
              readOnly={readOnly}
              defaultValue={start.fields.excerpt}
              error={fieldErrors.excerpt}
            />
          </details>
          {actions}
        </div>

        <section className="editor-preview" aria-labelledby="preview-heading">
          <h2 id="preview-heading" className="editor-preview__label">
            Preview
          </h2>
          <article className="prose editor-preview__body">
            <h1>{preview.title}</h1>
            <div
              // biome-ignore lint/security/noDangerouslySetInnerHtml: HTML from the sanitizing Markdown renderer
              dangerouslySetInnerHTML={{ __html: preview.html }}
            />
          </article>
        </section>
      </Form>
    </div>
  );
}

function ConflictPanel({
  conflict,
  reloadHref,
  onKeepMine,
  onUseTheirs,
}: {
  conflict: Conflict;
  reloadHref: string;
  onKeepMine: (event: FormEvent<HTMLFormElement>) => void;
  onUseTheirs: (event: { preventDefault(): void }) => void;
}) {
  const { theirs, mine } = conflict;
  return (
    <section
      className="alert alert--warning conflict"
      role="alert"
      aria-labelledby="conflict-title"
    >
      <h2 id="conflict-title" className="alert__title">
        Someone saved a newer version
      </h2>
      <p>
        Version {theirs.version} was saved while you were editing, so your text was not saved.
        Nothing was overwritten. Compare them and choose which to keep.
      </p>
      <div className="conflict__columns">
        <article className="conflict__version">
          <h3>{`Theirs (version ${theirs.version})`}</h3>
          <p className="conflict__title">{theirs.title}</p>
          <pre className="conflict__body">{theirs.body_markdown}</pre>
        </article>
        <article className="conflict__version">
          <h3>Yours (not saved)</h3>
          <p className="conflict__title">{mine.title}</p>
          <pre className="conflict__body">{mine.body_markdown}</pre>
        </article>
      </div>
      <div className="actions">
        <Form method="post" onSubmit={onKeepMine}>
          <input type="hidden" name="intent" value="save" />
          <input type="hidden" name="version" value={theirs.version} />
          {FIELD_NAMES.map((k) => (
            <input key={k} type="hidden" name={k} value={mine[k]} />
          ))}
          <button type="submit">{`Keep mine (save over version ${theirs.version})`}</button>
        </Form>
        <a href={reloadHref} className="button button--secondary" onClick={onUseTheirs}>
          Use theirs
        </a>
      </div>
    </section>
  );
}
