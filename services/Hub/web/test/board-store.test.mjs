// The journey board's store in Node (node:test): versions, move cues, columns and filters, the hour's flow.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BoardStore, NO_FILTERS, NO_FOCUS } from "../src/board-store.ts";

const NOW = Date.parse("2026-11-23T10:00:00Z");
const card = (id, version, fields = {}) => ({
  accountId: id, name: id, ownerSellerId: "ana", territory: "emea", segment: "enterprise", tier: "1", focusJob: "solution_exploration",
  scores: { engagement: 10, breadth: 10, surge: 10, urgency: 10 }, openPrompts: 0, signalCount: version, version, ...fields,
});

test("an older card is ignored; a newer one in another job is cued as moved until the cue expires", () => {
  const store = new BoardStore();
  store.snapshot([card("acme", 3)]);
  assert.equal(store.changed([card("acme", 2, { focusJob: "validation" })], NOW), false);
  assert.equal(store.changed([card("acme", 4, { focusJob: "validation" })], NOW), true);
  assert.equal(store.cards.get("acme").focusJob, "validation");
  assert.ok(store.moved.has("acme"));
  assert.equal(store.expireCues(NOW + 1_000), false);
  assert.equal(store.expireCues(NOW + 3_000), true);
  assert.equal(store.moved.size, 0);
});

test("columns group by focus job, most urgent first, and filters narrow them", () => {
  const store = new BoardStore();
  store.snapshot([
    card("a", 1, { scores: { engagement: 0, breadth: 0, surge: 0, urgency: 20 } }),
    card("b", 1, { scores: { engagement: 0, breadth: 0, surge: 0, urgency: 70 }, territory: "amer" }),
    card("c", 1, { focusJob: null }),
  ]);
  const all = store.columns(NO_FILTERS);
  assert.deepEqual(all.get("solution_exploration").map((c) => c.accountId), ["b", "a"]);
  assert.deepEqual(all.get(NO_FOCUS).map((c) => c.accountId), ["c"]);
  assert.equal(store.columns(NO_FILTERS), all, "unchanged cards, the same grouping");
  const amer = store.columns({ ...NO_FILTERS, territory: "amer" });
  assert.deepEqual([...amer.values()].flat().map((c) => c.accountId), ["b"]);
  assert.deepEqual(store.values("territory"), ["amer", "emea"]);
});

test("without the server's count, the hour's flow comes from the cards' last moves", () => {
  const store = new BoardStore();
  const recent = new Date(NOW - 10 * 60_000).toISOString();
  const old = new Date(NOW - 2 * 3_600_000).toISOString();
  store.snapshot([
    card("a", 1, { focusJob: "validation", previousFocusJob: "solution_exploration", focusChangedAt: recent }),
    card("b", 1, { focusJob: "validation", previousFocusJob: "solution_exploration", focusChangedAt: recent }),
    card("c", 1, { focusJob: "validation", previousFocusJob: "problem_identification", focusChangedAt: old }),
  ]);
  assert.deepEqual(store.flow(NOW), [{ from: "solution_exploration", to: "validation", count: 2 }]);
});
