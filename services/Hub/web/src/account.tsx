import { useEffect, useRef, useState } from "preact/hooks";
import { getJson, HttpError } from "./api";
import { Shell } from "./layout";
import { dateTime, eventLabel, label, localInputValue, relative } from "./format";
import type { Session } from "./session";
import { BUYING_JOBS, type Prompt, type TimeWindow } from "./types";

interface ExplainedScore { value: number; drivers: string[]; }
interface JobEngagement { job: string; level: number; evidence: number; lastEvidenceAt?: string; }
interface Member { contactId: string; firstSeen?: string; lastActive?: string; channels?: string[]; signals?: number; }
interface Forecast { nextJob: string; probability: number; typicalDays: number; needs: string[]; basis: string; transitionsObserved: number; }
interface BestTime { basis: string; timeZone: string; hours: string[]; next: TimeWindow; }

/**
 * GET /api/v1/accounts/{id} (AccountPosition) and the timeline's "position as of". Both are read leniently: the
 * position grows as the journey model does, and older fields (categoryViews, contacts) still render.
 */
interface Position {
  accountId: string; name?: string; ownerSellerId?: string; territory?: string; segment?: string; tier?: string;
  annualRevenue?: number | null; transactional?: boolean; version: number; signalCount?: number; lastSignalAt?: string;
  focusJob?: string; focusSince?: string; furthestJob?: string; jobs?: JobEngagement[];
  scores?: Record<string, ExplainedScore | number>; buyingGroup?: (Member | string)[]; contacts?: string[];
  categoryViews?: Record<string, number>; forecast?: Forecast; bestTime?: BestTime;
  openPrompts?: Prompt[] | Record<string, unknown>; pastPrompts?: Prompt[];
}
interface TimelineEvent { version: number; type: string; recordedAt: string; data: Record<string, unknown>; }
interface Timeline { accountId: string; asOf?: string; version: number; position: Position; events: TimelineEvent[]; }

/** Slider position for a moment typed into the date-time field rather than an event's. */
const CUSTOM = -2;

interface AccountPageProps { session: Session; accountId: string; onSignOut: () => void; onRefused: (status: number) => void; }

export function AccountPage({ session, accountId, onSignOut, onRefused }: AccountPageProps) {
  const [current, setCurrent] = useState<Position | undefined>();
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [cursor, setCursor] = useState(-1); // index into events; the last one (or -1) means "now"
  // The past position on show and the slider step (or CUSTOM) it answers; undefined shows the account as it is now.
  const [shownPast, setShownPast] = useState<{ step: number; timeline: Timeline } | undefined>();
  const [error, setError] = useState("");
  const pending = useRef<AbortController>();
  const debounce = useRef(0);

  useEffect(() => {
    setCurrent(undefined); setShownPast(undefined); setError("");
    const id = encodeURIComponent(accountId);
    void Promise.all([
      getJson<Position>(session, `/api/v1/accounts/${id}`),
      getJson<Timeline>(session, `/api/v1/accounts/${id}/timeline`),
    ]).then(([position, timeline]) => {
      setCurrent(position);
      setEvents(timeline.events);
      setCursor(timeline.events.length - 1);
    }).catch((e: unknown) => {
      if (e instanceof HttpError && (e.status === 401 || e.status === 403)) onRefused(e.status);
      else setError(e instanceof HttpError && e.status === 404 ? `No account ${accountId}.` : String(e));
    });
  }, [accountId]);

  const travel = (step: number, moment: string | undefined) => {
    setCursor(step);
    pending.current?.abort();
    window.clearTimeout(debounce.current);
    if (!moment) { setShownPast(undefined); return; }
    // A dragged slider fires many inputs; ask the server only once it rests.
    debounce.current = window.setTimeout(() => {
      const controller = (pending.current = new AbortController());
      void getJson<Timeline>(session, `/api/v1/accounts/${encodeURIComponent(accountId)}/timeline?asOf=${encodeURIComponent(moment)}`, controller.signal)
        .then((timeline) => setShownPast({ step, timeline }))
        .catch((e: unknown) => {
          if (e instanceof DOMException && e.name === "AbortError") return;
          setError(`Could not load the account as of ${dateTime(moment)}: ${e instanceof Error ? e.message : String(e)}`);
        });
    }, 120);
  };

  const moveTo = (index: number) => travel(index, index >= events.length - 1 ? undefined : events[index].recordedAt);

  const wantsNow = cursor >= events.length - 1;
  const asOf = wantsNow ? undefined : shownPast?.timeline;
  const loading = !wantsNow && shownPast?.step !== cursor;
  const shown: Position | undefined = current && (!asOf ? current : { ...asOf.position, name: current.name, ownerSellerId: current.ownerSellerId, territory: current.territory, segment: current.segment, tier: current.tier });
  const shownVersion = asOf ? asOf.version : Number.MAX_SAFE_INTEGER;

  return (
    <Shell session={session} title={current?.name ?? accountId} onSignOut={onSignOut}>
      {error && <p class="error" role="alert">{error}</p>}
      {!current && !error && <p>Loading…</p>}
      {current && shown && (
        <>
          <section class="time-travel panel" aria-labelledby="tt-title">
            <h2 id="tt-title">Time travel</h2>
            {events.length === 0 ? <p class="muted">No events yet.</p> : (
              <>
                <label for="time-slider">Show the account as it was after event</label>
                <input id="time-slider" type="range" min={0} max={events.length - 1} step={1} value={Math.max(0, cursor)}
                  aria-valuetext={cursor >= 0 ? `${cursor + 1} of ${events.length}: ${label(events[cursor].type)} at ${dateTime(events[cursor].recordedAt)}` : "now"}
                  onInput={(e) => moveTo(Number((e.target as HTMLInputElement).value))} />
                <p id="as-of" class={wantsNow ? "now" : "past"} role="status" aria-live="polite" aria-busy={loading}>
                  {wantsNow ? "Now: the account as it is."
                    : loading || !asOf ? "Loading the account as it was…"
                    : `As of ${dateTime(asOf.asOf)} (version ${asOf.version}${cursor >= 0 ? `, event ${cursor + 1} of ${events.length}` : ""})`}
                </p>
                <div class="tt-controls">
                  <label>Or any moment <input type="datetime-local" step={1} id="as-of-input"
                    min={localInputValue(new Date(events[0].recordedAt))}
                    onChange={(e) => { const v = (e.target as HTMLInputElement).value; if (v) travel(CUSTOM, new Date(v).toISOString()); }} /></label>
                  <button type="button" disabled={wantsNow} onClick={() => moveTo(events.length - 1)}>Back to now</button>
                </div>
              </>
            )}
          </section>
          <PositionView position={shown} />
          <section class="panel timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline ({events.length} events)</h2>
            <ol id="timeline" reversed>
              {[...events].reverse().map((e) => (
                <li class={e.version > shownVersion ? "future" : ""} data-version={e.version} aria-current={asOf && e.version === asOf.version ? "step" : undefined}>
                  <time dateTime={e.recordedAt}>{dateTime(e.recordedAt)}</time> <strong title={e.type}>{eventLabel(e.type)}</strong> <span class="muted">v{e.version}</span>
                  <span class="event-data">{summarize(e.data)}</span>
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </Shell>
  );
}

function PositionView({ position: p }: { position: Position }) {
  const members = (p.buyingGroup ?? p.contacts ?? []).map((m) => (typeof m === "string" ? { contactId: m } : m));
  const open = Array.isArray(p.openPrompts) ? p.openPrompts : [];
  const openCount = Array.isArray(p.openPrompts) ? p.openPrompts.length : Object.keys(p.openPrompts ?? {}).length;
  return (
    <div class="account-grid" id="position">
      <section class="panel" aria-labelledby="summary-title">
        <h2 id="summary-title">Position</h2>
        <dl class="facts">
          <dt>Focus job</dt><dd id="focus-job">{label(p.focusJob)}</dd>
          <dt>Furthest job</dt><dd id="furthest-job">{label(p.furthestJob)}</dd>
          {p.focusSince && <><dt>Focus since</dt><dd>{dateTime(p.focusSince)}</dd></>}
          <dt>Owner</dt><dd>{p.ownerSellerId ?? "—"}</dd>
          <dt>Territory · segment · tier</dt><dd>{[p.territory, label(p.segment), p.tier].filter(Boolean).join(" · ") || "—"}</dd>
          {p.annualRevenue != null && <><dt>Annual revenue</dt><dd>{p.annualRevenue.toLocaleString()}</dd></>}
          {p.transactional && <><dt>Journey</dt><dd>transactional (digital outreach)</dd></>}
          <dt>Signals</dt><dd id="signal-count">{p.signalCount ?? 0} (last {relative(p.lastSignalAt)})</dd>
          <dt>Version</dt><dd>{p.version}</dd>
          <dt>Open prompts</dt><dd>{openCount}</dd>
        </dl>
      </section>
      <JobsPanel position={p} />
      <ScoresPanel scores={p.scores} />
      <section class="panel" aria-labelledby="group-title">
        <h2 id="group-title">Buying group ({members.length})</h2>
        {members.length === 0 ? <p class="muted">Nobody identified yet.</p> : (
          <table class="load-table">
            <thead><tr><th scope="col">Contact</th><th scope="col">Channels</th><th scope="col">Signals</th><th scope="col">Last active</th></tr></thead>
            <tbody>{members.map((m) => <tr><th scope="row">{m.contactId}</th><td>{m.channels?.join(", ") ?? "—"}</td><td>{m.signals ?? "—"}</td><td>{relative(m.lastActive)}</td></tr>)}</tbody>
          </table>
        )}
      </section>
      <section class="panel" aria-labelledby="echo-title">
        <h2 id="echo-title">Forward echo</h2>
        {p.forecast ? (
          <div id="forecast">
            <p>Likely next: <strong>{label(p.forecast.nextJob)}</strong> ({Math.round(p.forecast.probability * 100)}%, typically in {p.forecast.typicalDays.toFixed(1)} days)</p>
            {p.forecast.needs.length > 0 && <p>Buyers there usually need: {p.forecast.needs.join("; ")}</p>}
            <p class="muted">Basis: {p.forecast.basis} ({p.forecast.transitionsObserved} transitions observed)</p>
          </div>
        ) : <p class="muted">No forecast yet.</p>}
        {p.bestTime && <p>Best time: {p.bestTime.hours.join(", ")} ({p.bestTime.timeZone}); next {dateTime(p.bestTime.next.from)}–{dateTime(p.bestTime.next.to)} <span class="muted">({p.bestTime.basis})</span></p>}
      </section>
      <PromptsPanel title="Open prompts" id="open-prompts" prompts={open} />
      <PromptsPanel title="Past prompts" id="past-prompts" prompts={p.pastPrompts ?? []} />
    </div>
  );
}

function JobsPanel({ position: p }: { position: Position }) {
  const byJob = new Map((p.jobs ?? []).map((j) => [j.job, j]));
  return (
    <section class="panel" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Buying jobs</h2>
      <ul class="jobs" id="jobs">
        {BUYING_JOBS.map((job) => {
          const j = byJob.get(job);
          const level = j?.level ?? 0;
          return (
            <li class={`${job === p.focusJob ? "focus" : ""}${job === p.furthestJob ? " furthest" : ""}`} data-job={job}>
              <span class="job-name">{label(job)}{job === p.focusJob ? " (focus)" : ""}{job === p.furthestJob ? " (furthest)" : ""}</span>
              <span class="meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={level} aria-label={`${label(job)} engagement`}><span style={{ width: `${level}%` }} /></span>
              <span class="job-level" title="engagement level (0-100, decayed) · evidence (the playbook's weights of the signals for this job, not decayed)">{j ? `${level} · evidence ${j.evidence}` : "—"}</span>
            </li>
          );
        })}
      </ul>
      {!p.jobs && p.categoryViews && Object.keys(p.categoryViews).length > 0 && (
        <p class="muted">Page views by category: {Object.entries(p.categoryViews).map(([k, v]) => `${label(k)} ${v}`).join(", ")}</p>
      )}
    </section>
  );
}

function ScoresPanel({ scores }: { scores: Position["scores"] }) {
  const entries = Object.entries(scores ?? {}).map(([name, s]) => [name, typeof s === "number" ? { value: s, drivers: [] } : s] as const);
  return (
    <section class="panel" aria-labelledby="scores-title">
      <h2 id="scores-title">Scores</h2>
      {entries.length === 0 ? <p class="muted">Not scored yet.</p> : (
        <dl class="scores-list" id="scores">
          {entries.map(([name, s]) => (
            <>
              <dt>{label(name)} <strong>{s.value}</strong></dt>
              <dd>{s.drivers.length ? <ul>{s.drivers.map((d) => <li>{d}</li>)}</ul> : <span class="muted">no drivers</span>}</dd>
            </>
          ))}
        </dl>
      )}
    </section>
  );
}

function PromptsPanel({ title, id, prompts }: { title: string; id: string; prompts: Prompt[] }) {
  return (
    <section class="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title} ({prompts.length})</h2>
      {prompts.length === 0 ? <p class="muted">None.</p> : (
        <ul class="plain" id={id}>
          {prompts.map((p) => (
            <li data-prompt-id={p.promptId}>
              <strong>{label(p.action)}</strong> for {p.sellerId} · {p.status}{p.outcome ? `: ${label(p.outcome)}` : ""}{p.dismissReason ? `: ${label(p.dismissReason)}` : ""}
              <span class="muted"> · {dateTime(p.createdAt)}</span>
              <div>{p.reason}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The fields worth a glance, by the names the page uses elsewhere; job names as the page writes them. */
const SUMMARY_FIELDS: [key: string, name: string][] = [
  ["category", "category"], ["url", "url"], ["action", "action"], ["reason", "reason"], ["focusJob", "focus"], ["from", "from"],
  ["to", "to"], ["contactId", "contact"], ["channel", "channel"], ["status", "status"], ["outcome", "outcome"], ["toSellerId", "to seller"],
];

/** A one-line reading of an event's data: its most telling fields, never the whole object. */
function summarize(data: Record<string, unknown>): string {
  const parts = SUMMARY_FIELDS.filter(([k]) => typeof data?.[k] === "string" || typeof data?.[k] === "number")
    .map(([k, name]) => `${name}: ${k === "reason" ? String(data[k]).replace(/\.$/, "") : k === "url" || k === "contactId" ? String(data[k]) : label(String(data[k]))}`);
  return parts.length ? ` — ${parts.slice(0, 4).join(", ")}` : "";
}
