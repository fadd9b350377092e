/**
 * An ISO-8601 UTC instant as `2025-03-01 14:05 UTC`. Formatted by hand, not by
 * Intl, so the server and the browser render the same text (no hydration
 * mismatch whatever the reader's locale or zone).
 */
export function Timestamp({ iso, dateOnly = false }: { iso: string | null; dateOnly?: boolean }) {
  if (!iso) return <span className="muted">—</span>;
  const text = dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return <time dateTime={iso}>{text}</time>;
}
