import type { HubConnection } from "@microsoft/signalr";
import { ACTIVE_STATUSES, isPool, type Prompt, type PromptUpdate } from "./types";

/** The server's page size for catchUp and the REST list (PromptQueries.MaxPage): a full page means there may be more. */
export const PAGE = 500;

/**
 * The seller's prompts as the server last told them, keyed by id. Every prompt carries a sequence that moves forward
 * on each change, so an older copy never overwrites a newer one whichever way (push or catch-up) it arrives.
 */
export class InboxStore {
  readonly prompts = new Map<string, Prompt>();
  /** Prompts that arrived by catch-up after a disconnect, highlighted until the seller acts or reloads. */
  readonly missed = new Set<string>();
  lastSequence = 0;
  private loadedOnce = false;

  constructor(private readonly sellerId: string) {}

  /** Takes the prompt unless this copy is older than, or the same as, the one held; true when something changed. */
  receive(prompt: Prompt): boolean {
    const known = this.prompts.get(prompt.promptId);
    // The same sequence is the same version: a push racing a reconnect's catch-up repeats what catch-up brought.
    if (known && known.sequence >= prompt.sequence) return false;
    this.lastSequence = Math.max(this.lastSequence, prompt.sequence);
    if (!this.isMine(prompt)) {
      this.prompts.delete(prompt.promptId);
      return known !== undefined;
    }
    this.prompts.set(prompt.promptId, prompt);
    return true;
  }

  update(update: PromptUpdate): boolean {
    const taken = update.status === "reassigned" && update.prompt.sellerId !== this.sellerId;
    if (taken || (update.previousSellerId === this.sellerId && update.prompt.sellerId !== this.sellerId)) {
      this.lastSequence = Math.max(this.lastSequence, update.prompt.sequence);
      return this.prompts.delete(update.promptId);
    }
    return this.receive({ ...update.prompt, status: update.status });
  }

  /** Pages through everything above the last sequence seen; returns how many prompts were new to this client. */
  async catchUp(connection: HubConnection): Promise<number> {
    let fresh = 0;
    for (;;) {
      const page = await connection.invoke<Prompt[]>("catchUp", this.lastSequence);
      for (const p of page) {
        const isNew = !this.prompts.has(p.promptId);
        if (this.receive(p) && isNew && this.isMine(p)) {
          fresh++;
          if (this.loadedOnce) this.missed.add(p.promptId);
        }
      }
      if (page.length < PAGE) break;
    }
    const first = !this.loadedOnce;
    this.loadedOnce = true;
    return first ? 0 : fresh;
  }

  /**
   * After a disconnect: a prompt taken from this seller meanwhile (reassigned, escalated) is not in catch-up, which
   * lists the seller's feeds as they are now. <paramref name="own"/> is every prompt of the seller's own feed
   * (GET /sellers/{id}/prompts); when that list is complete, an active prompt of ours missing from it has moved away.
   */
  reconcile(own: Prompt[], complete: boolean): boolean {
    if (!complete) return false;
    const ids = new Set(own.map((p) => p.promptId));
    let any = false;
    for (const p of this.prompts.values()) {
      if (p.sellerId === this.sellerId && ACTIVE_STATUSES.includes(p.status) && !ids.has(p.promptId)) {
        this.prompts.delete(p.promptId);
        any = true;
      }
    }
    return any;
  }

  /** Open and accepted first, then snoozed; within each, most urgent (lowest priority number) then newest. */
  active(): Prompt[] {
    const rank = (p: Prompt) => (p.status === "snoozed" ? 1 : 0);
    return [...this.prompts.values()]
      .filter((p) => ACTIVE_STATUSES.includes(p.status))
      .sort((a, b) => rank(a) - rank(b) || a.priority - b.priority || b.createdAt.localeCompare(a.createdAt) || b.sequence - a.sequence);
  }

  closed(limit = 20): Prompt[] {
    return [...this.prompts.values()]
      .filter((p) => !ACTIVE_STATUSES.includes(p.status))
      .sort((a, b) => (b.updatedAt ?? b.createdAt).localeCompare(a.updatedAt ?? a.createdAt))
      .slice(0, limit);
  }

  private isMine(p: Prompt): boolean {
    return p.sellerId === this.sellerId || isPool(p.sellerId);
  }
}
