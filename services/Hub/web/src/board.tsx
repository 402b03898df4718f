import { Component } from "preact";
import { useEffect, useReducer, useRef, useState } from "preact/hooks";
import { getJson } from "./api";
import { BoardStore, NO_FILTERS, NO_FOCUS, type BoardFilters } from "./board-store";
import { LiveConnection, hubErrorMessage, type ConnectionState } from "./hub";
import { Shell } from "./layout";
import { label, relative, urgencyBand } from "./format";
import type { Session } from "./session";
import { BUYING_JOBS, type AccountReassigned, type BoardCard, type BoardLoad, type GroupLoad, type Prompt, type PromptUpdate, type RosterPerson, type SellerLoad } from "./types";

interface BoardProps { session: Session; onSignOut: () => void; onRefused: (status: number) => void; }

/** Cards drawn per column before "show all": the page stays light with thousands of accounts. */
const COLUMN_LIMIT = 40;
const COLUMNS = [...BUYING_JOBS, NO_FOCUS];

export function Board({ session, onSignOut, onRefused }: BoardProps) {
  const [state, setState] = useState<ConnectionState>("connecting");
  const [filters, setFilters] = useState<BoardFilters>(NO_FILTERS);
  const [open, setOpen] = useState<string | undefined>();
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const store = useRef(new BoardStore()).current;
  const live = useRef<LiveConnection>();
  const frame = useRef(0);

  // Deltas come at most a few times a second; draw at most once per animation frame whatever arrives.
  const schedule = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => { frame.current = 0; rerender(0); });
  };

  useEffect(() => {
    const connection = new LiveConnection({
      path: "/hubs/board?frames=batched",
      session,
      handlers: (c) => {
        c.on("boardSnapshot", (cards: BoardCard[]) => { store.snapshot(cards); schedule(); });
        c.on("accountsChanged", (cards: BoardCard[]) => {
          if (!store.changed(cards)) return;
          // Paired with the measure after the next draw: how long a delta takes from arrival to the DOM.
          if (!frame.current) performance.mark("board-delta");
          schedule();
        });
        c.on("loadChanged", (load: BoardLoad) => { store.load = load; schedule(); });
      },
      onConnected: async () => {
        // The hub pushes the load on connect too; the REST read fills the panel if that push is not there yet.
        if (!store.load) {
          try { store.load = await getJson<BoardLoad>(session, "/api/v1/board/load"); schedule(); } catch { /* the push will bring it */ }
        }
      },
      onState: setState,
      onRefused,
    });
    live.current = connection;
    void connection.start();
    const cues = window.setInterval(() => { if (store.expireCues()) schedule(); }, 1000);
    return () => { window.clearInterval(cues); cancelAnimationFrame(frame.current); void connection.stop(); };
  }, []);

  useEffect(() => {
    if (performance.getEntriesByName("board-delta", "mark").length) {
      performance.measure("board-draw", "board-delta");
      performance.clearMarks("board-delta");
    }
  });

  const columns = store.columns(filters);
  const flow = store.flow();
  const shown = [...columns.values()].reduce((n, l) => n + l.length, 0);
  const setFilter = (key: keyof BoardFilters) => (e: Event) => setFilters({ ...filters, [key]: (e.target as HTMLSelectElement).value });
  const toggleExpanded = (job: string) => { const next = new Set(expanded); if (next.has(job)) next.delete(job); else next.add(job); setExpanded(next); };

  return (
    <Shell session={session} title="Journey board" connection={state} wide onSignOut={onSignOut}>
      <section class="board-tools" aria-label="Filters">
        <FilterSelect id="f-territory" text="Territory" value={filters.territory} values={store.values("territory")} onChange={setFilter("territory")} />
        <FilterSelect id="f-segment" text="Segment" value={filters.segment} values={store.values("segment")} onChange={setFilter("segment")} />
        <FilterSelect id="f-owner" text="Owner" value={filters.owner} values={store.values("ownerSellerId")} onChange={setFilter("owner")} />
        <FilterSelect id="f-tier" text="Tier" value={filters.tier} values={store.values("tier")} onChange={setFilter("tier")} />
        <span class="total" id="board-total">{shown} of {store.cards.size} accounts</span>
      </section>
      <div class="board-layout">
        <section class="columns" aria-label="Accounts by focus job">
          {COLUMNS.map((job) => {
            const cards = columns.get(job) ?? [];
            if (job === NO_FOCUS && cards.length === 0) return null;
            const all = expanded.has(job);
            return (
              <section class="column" data-job={job} aria-labelledby={`col-${job}`}>
                <h2 id={`col-${job}`}>{job === NO_FOCUS ? "No focus yet" : label(job)} <span class="column-count" aria-label={`${cards.length} accounts`}>{cards.length}</span></h2>
                <ul class="cards">
                  {(all ? cards : cards.slice(0, COLUMN_LIMIT)).map((c) => (
                    <AccountCard key={c.accountId} card={c} moved={store.moved.has(c.accountId)} onOpen={() => setOpen(c.accountId)} />
                  ))}
                </ul>
                {cards.length > COLUMN_LIMIT && (
                  <button type="button" class="link" onClick={() => toggleExpanded(job)}>{all ? "Show fewer" : `Show all ${cards.length}`}</button>
                )}
              </section>
            );
          })}
        </section>
        <aside class="side">
          <FlowPanel flow={flow} />
          <LoadPanel load={store.load} />
        </aside>
      </div>
      {open && <AccountDialog session={session} accountId={open} card={store.cards.get(open)} load={store.load} live={live.current!}
        onCard={(c) => { if (store.changed([c])) schedule(); }} onClose={() => setOpen(undefined)} />}
    </Shell>
  );
}

function FilterSelect({ id, text, value, values, onChange }: { id: string; text: string; value: string; values: string[]; onChange: (e: Event) => void }) {
  return (
    <div class="filter">
      <label for={id}>{text}</label>
      <select id={id} value={value} onChange={onChange}>
        <option value="">All</option>
        {values.map((v) => <option value={v}>{label(v)}</option>)}
      </select>
    </div>
  );
}

interface CardProps { card: BoardCard; moved: boolean; onOpen: () => void; }

/** Redrawn only when its card (a new version) or its move cue changes: a delta touches a few cards of thousands. */
class AccountCard extends Component<CardProps> {
  shouldComponentUpdate(next: CardProps): boolean {
    return next.card !== this.props.card || next.moved !== this.props.moved;
  }

  render({ card, moved, onOpen }: CardProps) {
    return <CardView card={card} moved={moved} onOpen={onOpen} />;
  }
}

function CardView({ card: c, moved, onOpen }: CardProps) {
  const band = urgencyBand(c.scores.urgency);
  return (
    <li class={`card urgency-${band}${moved ? " moved" : ""}`} data-account-id={c.accountId} data-focus={c.focusJob ?? NO_FOCUS}>
      <button type="button" class="card-button" onClick={onOpen} aria-haspopup="dialog">
        <span class="card-name">{c.name}</span>
        <span class="card-urgency" title="Urgency score">urgency {c.scores.urgency}</span>
        <span class="card-meta">{[c.ownerSellerId, c.territory, c.segment && label(c.segment), c.tier && `tier ${c.tier}`].filter(Boolean).join(" · ")}</span>
        <span class="card-meta">{c.openPrompts} open prompt{c.openPrompts === 1 ? "" : "s"} · last signal {relative(c.lastSignalAt)}</span>
        {moved && c.previousFocusJob && <span class="card-moved">moved from {label(c.previousFocusJob)}</span>}
      </button>
    </li>
  );
}

function FlowPanel({ flow }: { flow: { from?: string; to: string; count: number }[] }) {
  return (
    <section class="panel" id="flow" aria-labelledby="flow-title">
      <h2 id="flow-title">Flow, last hour</h2>
      {flow.length === 0 ? <p class="muted">No accounts changed focus in the last hour.</p> : (
        <ul class="flow">
          {flow.map((f) => <li><span>{f.from ? label(f.from) : "new"}</span> → <span>{label(f.to)}</span>: <strong>{f.count}</strong></li>)}
        </ul>
      )}
    </section>
  );
}

const activeOf = (s: SellerLoad) => s.active ?? s.open + s.accepted + s.snoozed;

function LoadPanel({ load }: { load: BoardLoad | undefined }) {
  if (!load) return <section class="panel" id="load" aria-label="Seller load"><h2>Seller load</h2><p class="muted">Waiting for load figures…</p></section>;
  const sellers = [...load.sellers].sort((a, b) => activeOf(b) / Math.max(1, b.capacity) - activeOf(a) / Math.max(1, a.capacity));
  const short = [...load.roles.map((g) => ["role", g] as const), ...load.territories.map((g) => ["territory", g] as const)]
    .filter(([, g]) => g.active > g.capacity);
  return (
    <section class="panel" id="load" aria-labelledby="load-title">
      <h2 id="load-title">Seller load</h2>
      <p class="muted" id="load-totals">{load.active} active prompts · {load.unassigned} unassigned in pools · <span class={load.overdue ? "overdue" : ""}>{load.overdue} overdue</span></p>
      {short.length > 0 && (
        <div class="shortfall" role="note">
          <strong>Demand over capacity:</strong>
          <ul>{short.map(([kind, g]) => <li>{kind} {label(g.key)}: {g.active} active for a capacity of {g.capacity}{g.sellers === 0 ? " (no sellers)" : ""}</li>)}</ul>
        </div>
      )}
      <table class="load-table" aria-label="Per seller">
        <thead><tr><th scope="col">Seller</th><th scope="col">Active / capacity</th><th scope="col">Overdue</th></tr></thead>
        <tbody>
          {sellers.map((s) => <SellerRow seller={s} />)}
        </tbody>
      </table>
      <GroupTable caption="Per role / pool" groups={load.roles} />
      <GroupTable caption="Per territory" groups={load.territories} />
    </section>
  );
}

function SellerRow({ seller: s }: { seller: SellerLoad }) {
  const active = activeOf(s);
  const ratio = active / Math.max(1, s.capacity);
  return (
    <tr class={ratio > 1 ? "over" : ""} data-seller-id={s.sellerId}>
      <th scope="row">{s.name}{s.specialty ? <span class="muted"> {label(s.specialty)}</span> : null}</th>
      <td title={`${s.open} open, ${s.accepted} accepted, ${s.snoozed} snoozed`}>
        <span class="meter" aria-hidden="true"><span style={{ width: `${Math.min(100, ratio * 100)}%` }} /></span>
        {active} / {s.capacity}
      </td>
      <td class={s.overdue > 0 ? "overdue" : ""}>{s.overdue}</td>
    </tr>
  );
}

function GroupTable({ caption, groups }: { caption: string; groups: GroupLoad[] }) {
  if (groups.length === 0) return null;
  return (
    <table class="load-table" aria-label={caption}>
      <caption>{caption}</caption>
      <thead><tr><th scope="col">{caption.replace("Per ", "")}</th><th scope="col">Active / capacity</th><th scope="col">Unassigned</th></tr></thead>
      <tbody>
        {groups.map((g) => (
          <tr class={g.active > g.capacity ? "over" : ""} data-key={g.key}>
            <th scope="row">{label(g.key)}</th>
            <td>{g.active} / {g.capacity}{g.overdue ? <span class="overdue"> ({g.overdue} overdue)</span> : null}</td>
            <td>{g.unassigned}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface DialogProps {
  session: Session; accountId: string; card: BoardCard | undefined; load: BoardLoad | undefined; live: LiveConnection;
  onCard: (card: BoardCard) => void; onClose: () => void;
}

/** One account from the board: its open prompts, and moving a prompt or the whole account to another seller. */
function AccountDialog({ session, accountId, card, load, live, onCard, onClose }: DialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [prompts, setPrompts] = useState<Prompt[] | undefined>();
  const [sellers, setSellers] = useState<{ id: string; name: string }[]>([]);
  const [message, setMessage] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const refresh = async () => {
    const view = await getJson<{ openPrompts: Prompt[] }>(session, `/api/v1/accounts/${encodeURIComponent(accountId)}`);
    setPrompts(view.openPrompts);
  };

  useEffect(() => {
    dialog.current?.showModal();
    void refresh().catch((e: Error) => setError(e.message));
    void sellerChoices(load).then(setSellers);
  }, [accountId]);

  const run = async (what: string, method: string, ...args: unknown[]) => {
    setBusy(true); setError(""); setMessage("");
    try {
      const result = await live.invoke<PromptUpdate | AccountReassigned>(method, ...args);
      if ("rejected" in result && result.rejected) throw new Error(result.rejected);
      // The confirmed card is drawn at once rather than waiting for the next delta frame.
      if ("card" in result && result.card) onCard(result.card);
      setMessage(`${what}: confirmed.`);
      await refresh();
    } catch (err) {
      setError(hubErrorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} class="account-dialog" aria-labelledby="dialog-title" onClose={onClose}>
      <h2 id="dialog-title">{card?.name ?? accountId}</h2>
      {card && <p class="muted">{label(card.focusJob)} · owner {card.ownerSellerId ?? "none"} · urgency {card.scores.urgency} · engagement {card.scores.engagement}</p>}
      <p><a href={`#/accounts/${encodeURIComponent(accountId)}`} onClick={() => dialog.current?.close()}>Open the account page</a></p>
      <ReassignForm id="reassign-account" legend="Reassign the account" sellers={sellers} busy={busy}
        onSubmit={(to) => void run(`Account moved to ${to}`, "reassignAccount", accountId, to)} />
      <h3>Open prompts</h3>
      {prompts === undefined ? <p>Loading…</p> : prompts.length === 0 ? <p class="muted">No open prompts.</p> : (
        <ul class="dialog-prompts">
          {prompts.map((p) => (
            <li data-prompt-id={p.promptId}>
              <p><strong>{label(p.action)}</strong> for {p.sellerId} — {p.reason}</p>
              <ReassignForm id={`reassign-${p.promptId}`} legend="Reassign this prompt" sellers={sellers.filter((s) => s.id !== p.sellerId)} busy={busy}
                onSubmit={(to) => void run(`Prompt moved to ${to}`, "reassignPrompt", p.promptId, to)} />
            </li>
          ))}
        </ul>
      )}
      <p class="notice" role="status" aria-live="polite">{message}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="button" onClick={() => dialog.current?.close()}>Close</button>
    </dialog>
  );
}

function ReassignForm({ id, legend, sellers, busy, onSubmit }: { id: string; legend: string; sellers: { id: string; name: string }[]; busy: boolean; onSubmit: (to: string) => void }) {
  const [to, setTo] = useState("");
  const value = to || sellers[0]?.id || "";
  return (
    <form class="reassign" onSubmit={(e) => { e.preventDefault(); if (value) onSubmit(value); }}>
      <label for={id}>{legend} to</label>
      <select id={id} value={value} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
        {sellers.map((s) => <option value={s.id}>{s.name} ({s.id})</option>)}
      </select>
      <button type="submit" disabled={busy || !value}>Reassign</button>
    </form>
  );
}

/** Sellers one can move work to: the load panel's list, or the demo roster when the panel has none yet. */
async function sellerChoices(load: BoardLoad | undefined): Promise<{ id: string; name: string }[]> {
  if (load?.sellers.length) return load.sellers.map((s) => ({ id: s.sellerId, name: s.name }));
  const r = await fetch("/api/v1/dev/roster");
  if (!r.ok) return [];
  return ((await r.json()) as RosterPerson[]).filter((p) => p.role === "seller").map((p) => ({ id: p.id, name: p.name }));
}
