import { useEffect, useReducer, useRef, useState } from "preact/hooks";
import { LiveConnection, hubErrorMessage, type ConnectionState } from "./hub";
import { getJson, HttpError } from "./api";
import { InboxStore, PAGE } from "./inbox-store";
import { Shell } from "./layout";
import { dateTime, label, localInputValue, relative, time, timeWindow } from "./format";
import type { Session } from "./session";
import { DISMISS_REASONS, OUTCOMES, isPool, type Prompt, type PromptUpdate } from "./types";

interface InboxProps { session: Session; onSignOut: () => void; onRefused: (status: number) => void; }

type Act = (method: string, ...args: unknown[]) => Promise<void>;

export function Inbox({ session, onSignOut, onRefused }: InboxProps) {
  const [state, setState] = useState<ConnectionState>("connecting");
  const [notice, setNotice] = useState("");
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const store = useRef(new InboxStore(session.sub)).current;
  const live = useRef<LiveConnection>();

  useEffect(() => {
    const connection = new LiveConnection({
      path: "/hubs/sellers",
      session,
      handlers: (c) => {
        c.on("promptReceived", (p: Prompt) => {
          if (store.receive(p)) { setNotice(`New prompt: ${label(p.action)} for ${p.accountName}`); rerender(0); }
        });
        c.on("promptUpdated", (u: PromptUpdate) => { if (store.update(u)) rerender(0); });
      },
      onConnected: async (c) => {
        const reconnect = store.lastSequence > 0;
        const missed = await store.catchUp(c);
        if (missed > 0) setNotice(`${missed} prompt${missed === 1 ? "" : "s"} arrived while you were away`);
        if (reconnect) {
          try {
            const own = await getJson<Prompt[]>(session, `/api/v1/sellers/${encodeURIComponent(session.sub)}/prompts`);
            store.reconcile(own, own.length < PAGE);
          } catch (err) {
            // Best effort: a failed read (network, server) leaves the list as catch-up made it; the next reconnect tries again.
            if (!(err instanceof HttpError || err instanceof TypeError)) throw err;
          }
        }
        rerender(0);
      },
      onState: setState,
      onRefused,
    });
    live.current = connection;
    void connection.start();
    return () => void connection.stop();
  }, []);

  // Due times ("in 5 min") and best-time windows ("now–4:00 PM") are relative to now: drawn again every half minute.
  useEffect(() => {
    const clock = setInterval(() => rerender(0), 30_000);
    return () => clearInterval(clock);
  }, []);

  /** Sends an action and applies the server's confirmation; a refusal surfaces as an error on the card. */
  const act = async (method: string, ...args: unknown[]) => {
    const update = await live.current!.invoke<PromptUpdate>(method, ...args);
    if (update.rejected) throw new Error(update.rejected);
    store.missed.delete(update.promptId);
    store.update(update);
    rerender(0);
  };

  const active = store.active();
  const closed = store.closed();
  return (
    <Shell session={session} title="Prompts" connection={state} onSignOut={onSignOut}>
      <p class="summary"><span id="count">{active.length}</span> open prompt{active.length === 1 ? "" : "s"}</p>
      {state !== "connected" && state !== "connecting" && (
        <p class="banner" role="note">{state === "offline" ? "Offline." : "Reconnecting…"} Actions wait until the connection is back; prompts that arrive meanwhile are fetched then.</p>
      )}
      <p id="notice" class="notice" role="status" aria-live="polite">{notice}</p>
      {active.length === 0 && <p id="empty">No prompts yet. They arrive here the moment a buyer's signals call for you.</p>}
      <ul id="prompts" class="prompts" aria-label="Prompts">
        {active.map((p) => <PromptCard key={p.promptId} prompt={p} me={session.sub} missed={store.missed.has(p.promptId)} online={state === "connected"} act={act} />)}
      </ul>
      {closed.length > 0 && (
        <details class="closed">
          <summary>Closed recently ({closed.length})</summary>
          <ul id="closed-prompts" class="prompts" aria-label="Closed prompts">
            {closed.map((p) => <PromptCard key={p.promptId} prompt={p} me={session.sub} missed={false} online={state === "connected"} act={act} />)}
          </ul>
        </details>
      )}
    </Shell>
  );
}

type Panel = "none" | "snooze" | "dismiss" | "complete";

function PromptCard({ prompt: p, me, missed, online, act }: { prompt: Prompt; me: string; missed: boolean; online: boolean; act: Act }) {
  const [panel, setPanel] = useState<Panel>("none");
  const [sending, setBusy] = useState(false);
  const busy = sending || !online;
  const [error, setError] = useState("");
  const id = p.promptId;
  const active = p.status === "open" || p.status === "accepted" || p.status === "snoozed";

  const run = async (method: string, ...args: unknown[]) => {
    setBusy(true);
    setError("");
    try {
      await act(method, ...args);
      setPanel("none");
    } catch (err) {
      setError(hubErrorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (which: Panel) => setPanel(panel === which ? "none" : which);
  return (
    <li class={`prompt priority-${p.priority} status-${p.status}${missed ? " missed" : ""}`} data-prompt-id={id} data-sequence={p.sequence}
      data-status={p.status} aria-labelledby={`h-${id}`} aria-busy={sending}>
      <div class="prompt-head" id={`h-${id}`}>
        <span class="action">{label(p.action)}</span>
        <a class="account" href={`#/accounts/${encodeURIComponent(p.accountId)}`}>{p.accountName}</a>
        {p.contactId && <span class="contact">{p.contactId}</span>}
        <span class="status-badge">{statusText(p)}</span>
        {missed && <span class="missed-badge">missed while away</span>}
        <span class="due" title={dateTime(p.dueBy)}>due {time(p.dueBy)} ({relative(p.dueBy)})</span>
      </div>
      <p class="reason">{p.reason}</p>
      <p class="meta">
        <span>role {label(p.role)}{isPool(p.sellerId) ? ` · ${p.sellerId} (unassigned${p.sellerId === me ? "" : ", your pool"})` : ""}</span>
        <span title={`${dateTime(p.bestTime.from)} – ${dateTime(p.bestTime.to)}`}>best time {timeWindow(p.bestTime.from, p.bestTime.to)}</span>
        <span>focus: {label(p.focusJob)}</span>
        {p.scores && <span class="scores">engagement {p.scores.engagement} · breadth {p.scores.breadth} · surge {p.scores.surge} · urgency {p.scores.urgency}</span>}
      </p>
      <details class="evidence">
        <summary>Evidence ({p.evidence.length})</summary>
        <ul>
          {p.evidence.map((e) => <li><time dateTime={e.at}>{dateTime(e.at)}</time> · <span class="channel">{e.channel}</span> · {e.summary}</li>)}
        </ul>
      </details>
      {active && (
        <div class="actions" role="group" aria-label={`Actions on ${label(p.action)} for ${p.accountName}`}>
          {p.status !== "accepted" && <button type="button" class="primary" disabled={busy} onClick={() => void run("accept", id)}>{isPool(p.sellerId) ? "Take it" : "Accept"}</button>}
          <button type="button" disabled={busy} aria-expanded={panel === "snooze"} onClick={() => toggle("snooze")}>Snooze…</button>
          <button type="button" disabled={busy} aria-expanded={panel === "dismiss"} onClick={() => toggle("dismiss")}>Dismiss…</button>
          <button type="button" disabled={busy} aria-expanded={panel === "complete"} onClick={() => toggle("complete")}>Complete…</button>
        </div>
      )}
      {panel === "snooze" && <SnoozeForm busy={busy} onSubmit={(until) => void run("snooze", id, until)} />}
      {panel === "dismiss" && <ChoiceForm name="Dismiss" legend="Why dismiss it?" field="Reason" options={DISMISS_REASONS} busy={busy} onSubmit={(v) => void run("dismiss", id, v)} />}
      {panel === "complete" && <ChoiceForm name="Complete" legend="What came of it?" field="Outcome" options={OUTCOMES} busy={busy} onSubmit={(v) => void run("complete", id, v)} />}
      {sending && <p class="pending">Waiting for the server to confirm…</p>}
      {error && <p class="error" role="alert">{error}</p>}
    </li>
  );
}

function statusText(p: Prompt): string {
  switch (p.status) {
    case "snoozed": return `snoozed until ${p.snoozedUntil ? dateTime(p.snoozedUntil) : "later"}`;
    case "dismissed": return `dismissed: ${label(p.dismissReason)}`;
    case "completed": return `completed: ${label(p.outcome)}`;
    default: return p.status;
  }
}

function SnoozeForm({ busy, onSubmit }: { busy: boolean; onSubmit: (untilIso: string) => void }) {
  const [value, setValue] = useState(() => localInputValue(new Date(Date.now() + 60 * 60_000)));
  const presets: [string, () => Date][] = [
    ["1 hour", () => new Date(Date.now() + 60 * 60_000)],
    ["4 hours", () => new Date(Date.now() + 4 * 60 * 60_000)],
    ["Tomorrow 9:00", () => { const d = new Date(); d.setDate(d.getDate() + 1); d.setHours(9, 0, 0, 0); return d; }],
  ];
  return (
    <form class="action-form" onSubmit={(e) => { e.preventDefault(); onSubmit(new Date(value).toISOString()); }}>
      <fieldset>
        <legend>Snooze until</legend>
        <div class="presets">
          {presets.map(([text, at]) => <button type="button" onClick={() => setValue(localInputValue(at()))}>{text}</button>)}
        </div>
        <label>Until <input type="datetime-local" name="until" required value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" class="primary" disabled={busy}>Snooze</button>
      </fieldset>
    </form>
  );
}

function ChoiceForm({ name, legend, field, options, busy, onSubmit }:
  { name: string; legend: string; field: string; options: readonly string[]; busy: boolean; onSubmit: (value: string) => void }) {
  const [value, setValue] = useState(options[0]);
  return (
    <form class="action-form" onSubmit={(e) => { e.preventDefault(); onSubmit(value); }}>
      <fieldset>
        <legend>{legend}</legend>
        <label>{field} <select name={field.toLowerCase()} value={value} onChange={(e) => setValue((e.target as HTMLSelectElement).value)}>
          {options.map((o) => <option value={o}>{label(o)}</option>)}
        </select></label>
        <button type="submit" class="primary" disabled={busy}>{name}</button>
      </fieldset>
    </form>
  );
}
