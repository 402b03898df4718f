import type { BoardCard, BoardLoad, FlowEntry } from "./types";

export interface BoardFilters { territory: string; segment: string; owner: string; tier: string; }
export const NO_FILTERS: BoardFilters = { territory: "", segment: "", owner: "", tier: "" };

/** Column key for accounts that have no focus job yet. */
export const NO_FOCUS = "none";
const MOVE_CUE_MS = 2500;
const HOUR_MS = 60 * 60_000;

/** The board's cards by account, the latest version of each, and which ones just moved (for the visual cue). */
export class BoardStore {
  readonly cards = new Map<string, BoardCard>();
  readonly moved = new Map<string, number>();
  load: BoardLoad | undefined;
  /** Distinct values per filterable field, grown as cards arrive (a value never disappears mid-session). */
  private readonly seen = { territory: new Set<string>(), segment: new Set<string>(), ownerSellerId: new Set<string>(), tier: new Set<string>() };
  private revision = 0;
  private cached: { revision: number; filters: BoardFilters; columns: Map<string, BoardCard[]> } | undefined;

  snapshot(cards: BoardCard[]): void {
    this.cards.clear();
    this.moved.clear();
    for (const c of cards) this.put(c);
  }

  private put(c: BoardCard): void {
    this.cards.set(c.accountId, c);
    this.revision++;
    for (const field of ["territory", "segment", "ownerSellerId", "tier"] as const) {
      const v = c[field];
      if (v) this.seen[field].add(v);
    }
  }

  /** Applies a coalesced delta; returns whether anything changed. */
  changed(cards: BoardCard[], now = Date.now()): boolean {
    let any = false;
    for (const c of cards) {
      const known = this.cards.get(c.accountId);
      if (known && known.version > c.version) continue;
      if (known && (known.focusJob ?? NO_FOCUS) !== (c.focusJob ?? NO_FOCUS)) this.moved.set(c.accountId, now);
      this.put(c);
      any = true;
    }
    return any;
  }

  /** Drops move cues older than their animation; returns whether any were dropped. */
  expireCues(now = Date.now()): boolean {
    let any = false;
    for (const [id, at] of this.moved) if (now - at > MOVE_CUE_MS) { this.moved.delete(id); any = true; }
    return any;
  }

  /** Cards that pass the filters, grouped by focus job, most urgent first; recomputed only after a change. */
  columns(filters: BoardFilters): Map<string, BoardCard[]> {
    const c = this.cached;
    if (c && c.revision === this.revision && c.filters === filters) return c.columns;
    const columns = this.group(filters);
    this.cached = { revision: this.revision, filters, columns };
    return columns;
  }

  private group(filters: BoardFilters): Map<string, BoardCard[]> {
    const columns = new Map<string, BoardCard[]>();
    for (const c of this.cards.values()) {
      if (filters.territory && c.territory !== filters.territory) continue;
      if (filters.segment && c.segment !== filters.segment) continue;
      if (filters.owner && c.ownerSellerId !== filters.owner) continue;
      if (filters.tier && c.tier !== filters.tier) continue;
      const key = c.focusJob ?? NO_FOCUS;
      let list = columns.get(key);
      if (!list) columns.set(key, (list = []));
      list.push(c);
    }
    for (const list of columns.values()) {
      list.sort((a, b) => b.scores.urgency - a.scores.urgency || b.openPrompts - a.openPrompts || (b.lastSignalAt ?? "").localeCompare(a.lastSignalAt ?? ""));
    }
    return columns;
  }

  /** Distinct values of one card field, for the filter lists. */
  values(field: "territory" | "segment" | "ownerSellerId" | "tier"): string[] {
    return [...this.seen[field]].sort();
  }

  /**
   * Moves in the last hour. The server's count (load.flow) when it sends one; otherwise each card's last move
   * (previousFocusJob -> focusJob at focusChangedAt), which undercounts an account that moved twice.
   */
  flow(now = Date.now()): FlowEntry[] {
    if (this.load) return [...this.load.flow].sort((a, b) => b.count - a.count);
    const counts = new Map<string, FlowEntry>();
    for (const c of this.cards.values()) {
      if (!c.focusChangedAt || !c.focusJob || now - new Date(c.focusChangedAt).getTime() > HOUR_MS) continue;
      const key = `${c.previousFocusJob ?? NO_FOCUS}>${c.focusJob}`;
      const entry = counts.get(key) ?? { from: c.previousFocusJob ?? undefined, to: c.focusJob, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
    return [...counts.values()].sort((a, b) => b.count - a.count);
  }
}
