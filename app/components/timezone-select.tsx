import { SelectField } from "./form";

/** Common IANA zones by region; a publication's current zone is kept even if not listed. */
export const COMMON_TIME_ZONES: Record<string, string[]> = {
  Universal: ["UTC"],
  Europe: [
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Dublin",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Kyiv",
    "Europe/Moscow",
  ],
  Africa: ["Africa/Lagos", "Africa/Cairo", "Africa/Nairobi", "Africa/Johannesburg"],
  Asia: [
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Manila",
    "Asia/Seoul",
    "Asia/Tokyo",
  ],
  Oceania: ["Australia/Perth", "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland"],
  Americas: [
    "America/St_Johns",
    "America/Halifax",
    "America/New_York",
    "America/Toronto",
    "America/Chicago",
    "America/Mexico_City",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Argentina/Buenos_Aires",
    "America/Sao_Paulo",
  ],
};

const LISTED = new Set(Object.values(COMMON_TIME_ZONES).flat());

export function TimezoneSelect({
  id = "timezone",
  defaultValue = "UTC",
  error,
}: {
  id?: string;
  defaultValue?: string;
  error?: string;
}) {
  return (
    <SelectField
      name="timezone"
      id={id}
      label="Time zone"
      hint="Scheduled posts publish at their minute in this zone."
      error={error}
      defaultValue={defaultValue}
    >
      {LISTED.has(defaultValue) ? null : <option value={defaultValue}>{defaultValue}</option>}
      {Object.entries(COMMON_TIME_ZONES).map(([region, zones]) => (
        <optgroup key={region} label={region}>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replace(/_/g, " ")}
            </option>
          ))}
        </optgroup>
      ))}
    </SelectField>
  );
}
