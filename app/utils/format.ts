/**
 * Small formatting helpers for reader pages. Pure and deterministic: the same
 * input gives the same text for every reader, so a page can be cached at the
 * edge and served to anyone.
 */

export interface DateSetting {
  /** BCP 47 locale of the publication, e.g. "en" or "pt-BR". */
  locale: string;
  /** IANA time zone of the publication, e.g. "Europe/Lisbon". */
  timeZone: string;
}

export type DateStyle = "long" | "medium";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter({ locale, timeZone }: DateSetting, style: DateStyle): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`;
  let found = formatters.get(key);
  if (!found) {
    try {
      found = new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone });
    } catch {
      // An unknown locale or zone must not break a page: fall back to English in UTC.
      found = new Intl.DateTimeFormat("en", { dateStyle: style, timeZone: "UTC" });
    }
    // A handful of publications per isolate; the bound only guards against surprises.
    if (formatters.size > 256) formatters.clear();
    formatters.set(key, found);
  }
  return found;
}

/** A calendar date as the publication's readers see it: "27 November 2025" in its zone. */
export function formatDate(iso: string, setting: DateSetting, style: DateStyle = "long"): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return formatter(setting, style).format(date);
}

/** "4 min read"; never less than one minute. */
export function readingTime(minutes: number): string {
  const m = Number.isFinite(minutes) ? Math.max(1, Math.round(minutes)) : 1;
  return `${m} min read`;
}

/** "1 post", "12 posts". */
export function countLabel(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
