// The wire shapes of contracts/DemandCenter.Contracts (camelCase JSON). Optional fields are those the server omits when null.

export interface Evidence { signalId: string; type: string; channel: string; at: string; summary: string; }
export interface TimeWindow { from: string; to: string; }
export interface Scores { engagement: number; breadth: number; surge: number; urgency: number; }

export interface Prompt {
  promptId: string; sequence: number; sellerId: string; accountId: string; accountName: string; contactId?: string;
  action: string; role: string; priority: number; dueBy: string; bestTime: TimeWindow;
  reason: string; evidence: Evidence[]; focusJob?: string; createdAt: string; status: string;
  scores?: Scores; slaBy?: string; snoozedUntil?: string; dismissReason?: string; outcome?: string;
  escalations?: number; overflow?: boolean; updatedAt?: string;
}

export interface PromptUpdate {
  promptId: string; accountId: string; status: string; at: string; prompt: Prompt;
  previousSellerId?: string; commandId?: string; rejected?: string;
}

export interface BoardCard {
  accountId: string; name: string; ownerSellerId?: string; territory?: string; segment?: string; tier?: string;
  focusJob?: string; previousFocusJob?: string; focusChangedAt?: string; furthestJob?: string;
  scores: Scores; openPrompts: number; signalCount: number; lastSignalAt?: string; version: number;
}

/** Seller load panel (hub method loadChanged, GET /api/v1/board/load). */
export interface SellerLoad {
  sellerId: string; name: string; specialty?: string; territory?: string;
  capacity: number; open: number; accepted: number; snoozed: number; overdue: number; active?: number;
}
/** Demand against capacity for a role/pool or a territory; active = prompts in the group, unassigned = waiting in a pool's feed. */
export interface GroupLoad { key: string; sellers: number; capacity: number; active: number; unassigned: number; overdue: number; shortfall?: number; }
export interface FlowEntry { from?: string; to: string; count: number; }
export interface BoardLoad {
  at: string; sellers: SellerLoad[]; roles: GroupLoad[]; territories: GroupLoad[]; flow: FlowEntry[];
  active: number; unassigned: number; overdue: number;
}
/** The answer to reassignAccount: the account's card as the board now knows it. */
export interface AccountReassigned { accountId: string; toSellerId: string; card?: BoardCard; }

export interface RosterPerson { id: string; name: string; role: string; specialty?: string; territory?: string; }

export const BUYING_JOBS = [
  "problem_identification", "solution_exploration", "requirements_building",
  "supplier_selection", "validation", "consensus_creation",
] as const;

export const DISMISS_REASONS = ["not_relevant", "already_in_contact", "wrong_contact", "duplicate", "bad_timing", "other"] as const;
export const OUTCOMES = ["connected", "meeting_booked", "no_answer", "not_interested"] as const;
export const ACTIVE_STATUSES = ["open", "accepted", "snoozed"];

export const isPool = (sellerId: string) => sellerId.startsWith("pool:");
