export const label = (s: string | undefined | null) => (s ? s.replace(/_/g, " ") : "—");

/** "journey.prompt_raised.v1" reads "Prompt raised"; the type itself stays in the element's title. */
export function eventLabel(type: string): string {
  const name = label(type.replace(/^[a-z]+\./, "").replace(/\.v\d+$/, ""));
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export const time = (iso: string | undefined) =>
  iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "—";

export const dateTime = (iso: string | undefined) =>
  iso ? new Date(iso).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "—";

/**
 * A best-time window as a seller reads it at a glance: "now–4:00 PM" while it is open, "tomorrow 8:00 AM–4:00 PM",
 * "Tue 8:00 AM–4:00 PM" within the week, "Dec 1, 8:00 AM–9:00 AM" beyond. Times alone read as today's, which a window
 * on another day is not.
 */
export function timeWindow(fromIso: string, toIso: string, now = new Date()): string {
  const from = new Date(fromIso);
  const start = from.getTime() <= now.getTime() ? "now" : `${dayPrefix(from, now)}${time(fromIso)}`;
  return `${start}–${time(toIso)}`;
}

function dayPrefix(date: Date, now: Date): string {
  const midnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((midnight(date) - midnight(now)) / 86_400_000);
  if (days <= 0) return "";
  if (days === 1) return "tomorrow ";
  return days < 7 ? `${date.toLocaleDateString([], { weekday: "short" })} ` : `${date.toLocaleDateString([], { month: "short", day: "numeric" })}, `;
}

/** "in 25 min", "3 h ago": due times read faster relative to now. */
export function relative(iso: string | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const minutes = Math.round((new Date(iso).getTime() - now) / 60_000);
  const abs = Math.abs(minutes);
  if (abs < 1) return "just now";
  const amount = abs < 60 ? `${abs} min` : abs < 48 * 60 ? `${Math.round(abs / 60)} h` : `${Math.round(abs / 1440)} d`;
  return minutes >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** A value for <input type="datetime-local"> in the browser's zone. */
export function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Urgency band for colour and sort; the number is always shown beside the colour. */
export function urgencyBand(urgency: number): "hot" | "warm" | "mild" | "cool" {
  return urgency >= 75 ? "hot" : urgency >= 50 ? "warm" : urgency >= 25 ? "mild" : "cool";
}
