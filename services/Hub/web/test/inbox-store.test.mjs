// The seller inbox's store in Node (node:test): versions by sequence, catch-up after a disconnect, prompts moved away.
import assert from "node:assert/strict";
import { test } from "node:test";
import { InboxStore, PAGE } from "../src/inbox-store.ts";

const prompt = (id, sequence, fields = {}) => ({
  promptId: id, sequence, sellerId: "ana", accountId: "acme.com", accountName: "Acme", action: "call", role: "owner", priority: 1,
  dueBy: "2026-11-23T10:05:00Z", bestTime: { from: "2026-11-23T10:00:00Z", to: "2026-11-23T16:00:00Z" }, reason: "r", evidence: [],
  createdAt: "2026-11-23T10:00:00Z", status: "open", ...fields,
});

/** Stands in for the hub connection's catchUp invocation: the server's pages above a sequence. */
const hub = (...prompts) => ({
  invoke: async (method, after) => {
    assert.equal(method, "catchUp");
    return prompts.filter((p) => p.sequence > after).sort((a, b) => a.sequence - b.sequence).slice(0, PAGE);
  },
});

test("an older or the same copy of a prompt changes nothing; a newer one replaces it", () => {
  const store = new InboxStore("ana");
  assert.equal(store.receive(prompt("p1", 5)), true);
  assert.equal(store.receive(prompt("p1", 4, { status: "accepted" })), false);
  assert.equal(store.receive(prompt("p1", 5, { status: "accepted" })), false);
  assert.equal(store.receive(prompt("p1", 6, { status: "accepted" })), true);
  assert.equal(store.prompts.get("p1").status, "accepted");
  assert.equal(store.lastSequence, 6);
});

test("another seller's prompt is not kept, a pool's is", () => {
  const store = new InboxStore("ana");
  assert.equal(store.receive(prompt("p1", 1, { sellerId: "ben" })), false);
  assert.equal(store.receive(prompt("p2", 2, { sellerId: "pool:pricing" })), true);
  assert.deepEqual([...store.prompts.keys()], ["p2"]);
});

test("after a disconnect catch-up counts what arrived meanwhile, and the same prompt pushed again is no news", async () => {
  const store = new InboxStore("ana");
  assert.equal(await store.catchUp(hub(prompt("p1", 1))), 0, "the first load is not 'while you were away'");

  const missed = prompt("p2", 2);
  assert.equal(await store.catchUp(hub(prompt("p1", 1), missed)), 1);
  assert.ok(store.missed.has("p2"));
  assert.equal(store.receive(missed), false, "a push racing the reconnect's catch-up");
});

test("a prompt moved away while disconnected leaves when the seller's full list lacks it", () => {
  const store = new InboxStore("ana");
  store.receive(prompt("p1", 1));
  store.receive(prompt("p2", 2));
  assert.equal(store.reconcile([prompt("p1", 1)], false), false, "an incomplete list proves nothing");
  assert.equal(store.reconcile([prompt("p1", 1)], true), true);
  assert.deepEqual(store.active().map((p) => p.promptId), ["p1"]);
});
