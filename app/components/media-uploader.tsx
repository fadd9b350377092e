import { type DragEvent, type FormEvent, useCallback, useEffect, useRef, useState } from "react";

/**
 * The media library's upload box. Without JavaScript it is a plain form that
 * posts one file (multipart/form-data) to the page's action. With JavaScript
 * it takes several files, by picker or drag and drop, and uploads each to the
 * Admin API with a real progress bar: one XMLHttpRequest for small files, or,
 * above the multipart threshold, the resumable multipart API, one PUT per part
 * (asking the server which parts it already has after a dropped connection).
 * Every file can be cancelled; a failed one can be retried.
 */

export interface UploaderLimits {
  /** Files above this many bytes use multipart upload. */
  threshold: number;
  /** Largest file accepted at all. */
  maxBytes: number;
}

interface Props {
  pub: string;
  limits: UploaderLimits;
  /** Called after each file that made it into the library. */
  onUploaded: () => void;
}

type Status = "uploading" | "done" | "duplicate" | "error" | "cancelled";

interface Item {
  key: string;
  name: string;
  size: number;
  loaded: number;
  status: Status;
  message?: string;
  resumable?: boolean;
}

/** What a running upload needs that is not UI state. */
interface Control {
  file: File;
  xhr?: XMLHttpRequest;
  uploadId?: string;
  cancelled: boolean;
}

interface Problem {
  detail?: string;
  title?: string;
  code?: string;
}

interface UploadStatus {
  id: string;
  status: string;
  part_size: number;
  parts_total: number;
  parts: { part_number: number; size: number }[];
}

class UploadError extends Error {
  constructor(
    message: string,
    readonly network = false,
  ) {
    super(message);
  }
}

class Cancelled extends Error {}

const MAX_ATTEMPTS = 3;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function problemMessage(status: number, body: unknown): string {
  const p = (body ?? {}) as Problem;
  return p.detail || p.title || `The server answered ${status}.`;
}

/** One request with upload progress; rejects on network failure or cancel. */
function send(
  control: Control,
  method: string,
  url: string,
  body: Blob | null,
  onProgress?: (loaded: number) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    if (control.cancelled) return reject(new Cancelled());
    const xhr = new XMLHttpRequest();
    control.xhr = xhr;
    xhr.open(method, url);
    xhr.setRequestHeader("Accept", "application/json");
    if (body && onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      resolve({ status: xhr.status, body: parsed });
    };
    xhr.onerror = () => reject(new UploadError("The connection dropped.", true));
    xhr.ontimeout = () => reject(new UploadError("The connection timed out.", true));
    xhr.onabort = () => reject(new Cancelled());
    xhr.send(body);
  });
}

const json = (value: unknown) => new Blob([JSON.stringify(value)], { type: "application/json" });

async function sendJson(control: Control, method: string, url: string, value?: unknown) {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    if (control.cancelled) return reject(new Cancelled());
    const xhr = new XMLHttpRequest();
    control.xhr = xhr;
    xhr.open(method, url);
    xhr.setRequestHeader("Accept", "application/json");
    if (value !== undefined) xhr.setRequestHeader("Content-Type", "application/json");
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {}
      resolve({ status: xhr.status, body: parsed });
    };
    xhr.onerror = () => reject(new UploadError("The connection dropped.", true));
    xhr.onabort = () => reject(new Cancelled());
    xhr.send(value === undefined ? null : json(value));
  });
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where an unfinished multipart upload of this very file is remembered (survives a reload). */
const resumeKey = (pub: string, f: File) =>
  `folio-upload:${pub}:${f.name}:${f.size}:${f.lastModified}`;

function remember(pub: string, f: File, id: string | null) {
  try {
    if (id) localStorage.setItem(resumeKey(pub, f), id);
    else localStorage.removeItem(resumeKey(pub, f));
  } catch {
    // Storage may be unavailable (private mode); resuming then works within this page only.
  }
}

function remembered(pub: string, f: File): string | undefined {
  try {
    return localStorage.getItem(resumeKey(pub, f)) ?? undefined;
  } catch {
    return undefined;
  }
}

export function MediaUploader({ pub, limits, onUploaded }: Props) {
  const [enhanced, setEnhanced] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [items, setItems] = useState<Item[]>([]);
  const controls = useRef(new Map<string, Control>());
  const input = useRef<HTMLInputElement>(null);
  const api = `/api/v1/publications/${encodeURIComponent(pub)}/media`;

  useEffect(() => setEnhanced(true), []);

  const update = useCallback((key: string, patch: Partial<Item>) => {
    setItems((list) => list.map((it) => (it.key === key ? { ...it, ...patch } : it)));
  }, []);

  /** One small file, one request. */
  const uploadSmall = useCallback(
    async (key: string, control: Control) => {
      const { file } = control;
      const url = `${api}?filename=${encodeURIComponent(file.name)}`;
      const res = await send(control, "POST", url, file, (loaded) => update(key, { loaded }));
      if (res.status === 201 || res.status === 200) return res.status === 200;
      throw new UploadError(problemMessage(res.status, res.body));
    },
    [api, update],
  );

  /** A large file in parts, skipping those the server already has. */
  const uploadLarge = useCallback(
    async (key: string, control: Control) => {
      const { file } = control;
      let state: UploadStatus | null = null;
      control.uploadId ??= remembered(pub, file);
      if (control.uploadId) {
        const res = await sendJson(control, "GET", `${api}/uploads/${control.uploadId}`);
        if (res.status === 200 && (res.body as UploadStatus).status === "active") {
          state = res.body as UploadStatus;
        } else {
          control.uploadId = undefined;
        }
      }
      if (!state) {
        const res = await sendJson(control, "POST", `${api}/uploads`, {
          filename: file.name,
          size: file.size,
        });
        if (res.status !== 201) throw new UploadError(problemMessage(res.status, res.body));
        state = res.body as UploadStatus;
        control.uploadId = state.id;
        remember(pub, file, state.id);
      }
      update(key, { resumable: true });

      const stored = new Set(state.parts.map((p) => p.part_number));
      let done = state.parts.reduce((sum, p) => sum + p.size, 0);
      update(key, { loaded: done });
      for (let n = 1; n <= state.parts_total; n++) {
        if (stored.has(n)) continue;
        const start = (n - 1) * state.part_size;
        const blob = file.slice(start, Math.min(start + state.part_size, file.size));
        for (let attempt = 1; ; attempt++) {
          try {
            const res = await send(
              control,
              "PUT",
              `${api}/uploads/${state.id}/parts/${n}`,
              blob,
              (loaded) => update(key, { loaded: done + loaded }),
            );
            if (res.status !== 200) throw new UploadError(problemMessage(res.status, res.body));
            break;
          } catch (err) {
            // A dropped connection: try the same part again, a little later.
            if (!(err instanceof UploadError && err.network) || attempt >= MAX_ATTEMPTS) throw err;
            update(key, { message: `Connection lost; retrying part ${n}…`, loaded: done });
            await wait(1000 * attempt);
            update(key, { message: undefined });
          }
        }
        done += blob.size;
        update(key, { loaded: done });
      }
      const res = await sendJson(control, "POST", `${api}/uploads/${state.id}/complete`);
      if (res.status !== 201 && res.status !== 200) {
        throw new UploadError(problemMessage(res.status, res.body));
      }
      remember(pub, file, null);
      return res.status === 200;
    },
    [api, pub, update],
  );

  const run = useCallback(
    async (key: string) => {
      const control = controls.current.get(key);
      if (!control) return;
      control.cancelled = false;
      update(key, { status: "uploading", message: undefined });
      try {
        const duplicate =
          control.file.size > limits.threshold
            ? await uploadLarge(key, control)
            : await uploadSmall(key, control);
        update(key, { status: duplicate ? "duplicate" : "done", loaded: control.file.size });
        onUploaded();
      } catch (err) {
        if (err instanceof Cancelled || control.cancelled) {
          update(key, { status: "cancelled", message: undefined });
        } else {
          update(key, {
            status: "error",
            message: err instanceof Error ? err.message : "The upload failed.",
          });
        }
      }
    },
    [limits.threshold, onUploaded, update, uploadLarge, uploadSmall],
  );

  const add = useCallback(
    (files: FileList | File[]) => {
      const added: Item[] = [];
      for (const file of Array.from(files)) {
        const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
        if (file.size > limits.maxBytes) {
          added.push({
            key,
            name: file.name,
            size: file.size,
            loaded: 0,
            status: "error",
            message: `Files are limited to ${formatBytes(limits.maxBytes)}.`,
          });
          continue;
        }
        controls.current.set(key, { file, cancelled: false });
        added.push({ key, name: file.name, size: file.size, loaded: 0, status: "uploading" });
      }
      setItems((list) => [...added, ...list]);
      for (const item of added) if (item.status === "uploading") void run(item.key);
    },
    [limits.maxBytes, run],
  );

  const cancel = useCallback(
    async (key: string) => {
      const control = controls.current.get(key);
      if (!control) return;
      control.cancelled = true;
      control.xhr?.abort();
      if (control.uploadId) {
        // Tell the server to drop the parts it has (best effort).
        const id = control.uploadId;
        control.uploadId = undefined;
        remember(pub, control.file, null);
        await fetch(`${api}/uploads/${id}`, { method: "DELETE" }).catch(() => {});
      }
      update(key, { status: "cancelled", message: undefined, resumable: false });
    },
    [api, pub, update],
  );

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    if (!enhanced) return;
    event.preventDefault();
    if (input.current?.files?.length) add(input.current.files);
    if (input.current) input.current.value = "";
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length) add(event.dataTransfer.files);
  };

  return (
    <section className="media-uploader" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload</h2>
      <form
        method="post"
        encType="multipart/form-data"
        action={`/admin/${pub}/media?intent=upload`}
        onSubmit={onSubmit}
        className={`dropzone${dragging ? " dropzone--active" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <input type="hidden" name="intent" value="upload" />
        <div className="field">
          <label htmlFor="media-file">{enhanced ? "Choose files" : "Choose a file"}</label>
          <p className="hint" id="media-file-hint">
            {enhanced
              ? "Or drop files here. Uploads start right away. "
              : "Images (PNG, JPEG, GIF, WebP, AVIF), video, audio or PDF. "}
            Up to {formatBytes(limits.maxBytes)} per file
            {enhanced ? "" : `; without JavaScript, up to ${formatBytes(limits.threshold)}`}. SVG is
            not accepted.
          </p>
          <input
            ref={input}
            id="media-file"
            name="file"
            type="file"
            required
            multiple={enhanced}
            aria-describedby="media-file-hint"
            onChange={enhanced ? () => input.current?.form?.requestSubmit() : undefined}
          />
        </div>
        {enhanced ? null : <button type="submit">Upload</button>}
      </form>

      {items.length ? (
        <ul className="upload-list" aria-label="Uploads">
          {items.map((it) => {
            const percent = it.size ? Math.round((it.loaded / it.size) * 100) : 100;
            return (
              <li key={it.key} className={`upload upload--${it.status}`}>
                <div className="upload__head">
                  <span className="upload__name">{it.name}</span>
                  <span className="upload__size">{formatBytes(it.size)}</span>
                </div>
                <progress
                  max={it.size || 1}
                  value={it.status === "error" || it.status === "cancelled" ? 0 : it.loaded}
                  aria-label={`Upload of ${it.name}`}
                />
                <div className="upload__foot">
                  <span className="upload__status" role="status">
                    {it.status === "uploading"
                      ? (it.message ?? `${percent}%`)
                      : it.status === "done"
                        ? "Uploaded"
                        : it.status === "duplicate"
                          ? "Already in the library"
                          : it.status === "cancelled"
                            ? "Cancelled"
                            : it.message}
                  </span>
                  {it.status === "uploading" ? (
                    <button
                      type="button"
                      className="button--secondary button--small"
                      onClick={() => void cancel(it.key)}
                    >
                      Cancel<span className="visually-hidden"> {it.name}</span>
                    </button>
                  ) : null}
                  {(it.status === "error" || it.status === "cancelled") &&
                  controls.current.has(it.key) ? (
                    <button
                      type="button"
                      className="button--secondary button--small"
                      onClick={() => void run(it.key)}
                    >
                      {it.status === "error" && it.resumable ? "Resume" : "Retry"}
                      <span className="visually-hidden"> {it.name}</span>
                    </button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}

/** The Markdown for a medium, with a button that copies it (the button needs JavaScript). */
export function CopyMarkdown({ markdown, label }: { markdown: string; label: string }) {
  const [enhanced, setEnhanced] = useState(false);
  const [copied, setCopied] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => setEnhanced(true), []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(markdown);
    } catch {
      // No clipboard permission: select the text so Ctrl/Cmd+C works.
      field.current?.select();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };

  return (
    <div className="copy-markdown">
      <input
        ref={field}
        readOnly
        value={markdown}
        aria-label={`Markdown for ${label}`}
        onFocus={(e) => e.currentTarget.select()}
      />
      {enhanced ? (
        <button type="button" className="button--secondary button--small" onClick={copy}>
          {copied ? "Copied" : "Copy Markdown"}
          <span className="visually-hidden"> for {label}</span>
        </button>
      ) : null}
    </div>
  );
}
