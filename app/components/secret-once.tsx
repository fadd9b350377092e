import { useEffect, useState } from "react";

/**
 * A newly created secret, shown this one time. The copy button appears only
 * once JavaScript runs; without it the text is selectable as a whole.
 */
export function SecretOnce({ name, secret }: { name: string; secret: string }) {
  const [canCopy, setCanCopy] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setCanCopy(Boolean(navigator.clipboard)), []);
  return (
    <section className="secret-box" aria-labelledby="secret-heading">
      <h2 id="secret-heading">Your new key “{name}”</h2>
      <p>
        <strong>Copy it now; it will not be shown again.</strong> Store it where your tool keeps
        secrets. If you lose it, revoke it and create another.
      </p>
      <div className="secret-box__value">
        <code id="new-secret">{secret}</code>
        {canCopy ? (
          <button
            type="button"
            className="button--secondary button--small"
            onClick={() => navigator.clipboard.writeText(secret).then(() => setCopied(true))}
          >
            {copied ? "Copied" : "Copy"}
          </button>
        ) : null}
      </div>
      <p className="visually-hidden" role="status">
        {copied ? "Key copied to the clipboard." : ""}
      </p>
    </section>
  );
}
