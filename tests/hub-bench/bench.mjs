// Load client for ./demand bench --hub: opens seller and board connections with @microsoft/signalr (as browsers
// do: WebSockets, token in the query string), then measures, after a warm-up, how long a prompt takes from its
// signal's publish (the newest evidence time, stamped by the simulator when it publishes) to its arrival here,
// from the Journey's decision (createdAt) to arrival, and how many board frames each board client receives per second. Prints one JSON line of results.
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import * as signalR from "@microsoft/signalr";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { url, sellers, orchestrator, boards, warmupSeconds, durationSeconds } = config;

async function token(sub) {
  const response = await fetch(`${url}/api/v1/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub }),
  });
  if (!response.ok) throw new Error(`token for ${sub}: ${response.status}`);
  return (await response.json()).accessToken;
}

function connection(path, accessToken) {
  return new signalR.HubConnectionBuilder()
    .withUrl(url + path, { accessTokenFactory: () => accessToken, skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .configureLogging(signalR.LogLevel.Error)
    .build();
}

/** Runs fn over items with at most `limit` in flight. */
async function pool(items, limit, fn) {
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }));
  return results;
}

let measuring = false;
let started = Infinity;
let backlog = 0;
const ownLatencies = [];
const poolLatencies = [];
const fromCreated = [];
const prompts = new Set();
let updates = 0;

const sellerConnections = await pool(sellers, 50, async (sub) => {
  const c = connection("/hubs/sellers", await token(sub));
  c.on("promptReceived", (p) => {
    if (!measuring) return;
    const now = Date.now();
    fromCreated.push(now - Date.parse(p.createdAt));
    const published = Math.max(...p.evidence.map((e) => Date.parse(e.at)));
    // Prompts from signals published before the window (backdated history, the warm-up's backlog) are not timed end to end.
    if (published < started) { backlog++; return; }
    (p.sellerId === sub ? ownLatencies : poolLatencies).push(now - published);
    prompts.add(p.promptId);
  });
  c.on("promptUpdated", () => { if (measuring) updates++; });
  await c.start();
  return c;
});

const boardToken = await token(orchestrator);
const boardStats = [];
const boardConnections = await pool(Array.from({ length: boards }, (_, i) => i), 20, async (i) => {
  const stats = { frames: 0, cards: 0, loads: 0, maxFrameGapMs: 0, minFrameGapMs: Infinity, last: 0 };
  boardStats[i] = stats;
  const c = connection("/hubs/board?frames=batched", boardToken);
  c.on("accountsChanged", (cards) => {
    if (!measuring) return;
    const now = Date.now();
    if (stats.last) {
      stats.minFrameGapMs = Math.min(stats.minFrameGapMs, now - stats.last);
      stats.maxFrameGapMs = Math.max(stats.maxFrameGapMs, now - stats.last);
    }
    stats.last = now;
    stats.frames++;
    stats.cards += cards.length;
  });
  c.on("loadChanged", () => { if (measuring) stats.loads++; });
  await c.start();
  return c;
});

process.stderr.write(`[hub-bench] ${sellerConnections.length} seller and ${boardConnections.length} board connections open; warming up ${warmupSeconds}s\n`);
await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
// A board opened mid-run: its snapshot shows what an orchestrator sees on arrival (the boards above connected before
// the simulator had made any account, so theirs were often empty).
const late = connection("/hubs/board?frames=batched", boardToken);
const lateSnapshot = new Promise((resolve) => late.on("boardSnapshot", (cards) => resolve(cards.length)));
await late.start();
const lateSnapshotCards = await lateSnapshot;
await late.stop();
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
started = Date.now();
measuring = true;
process.stderr.write(`[hub-bench] measuring for ${durationSeconds}s\n`);
await new Promise((r) => setTimeout(r, durationSeconds * 1000));
measuring = false;
loop.disable();
const seconds = (Date.now() - started) / 1000;

const percentile = (values, p) => {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const all = ownLatencies.concat(poolLatencies);
const perClientRates = boardStats.map((s) => s.frames / seconds);
const result = {
  seconds,
  sellers: sellerConnections.length,
  boards: boardConnections.length,
  prompts: prompts.size,
  deliveries: all.length,
  backlogDeliveries: backlog,
  updates,
  latencyMs: { p50: percentile(all, 50), p99: percentile(all, 99), max: percentile(all, 100) },
  // From the Journey's decision (the prompt's createdAt) to arrival: the outbox relay, the fan-out and the push.
  fromCreatedMs: { count: fromCreated.length, p50: percentile(fromCreated, 50), p99: percentile(fromCreated, 99) },
  ownLatencyMs: { count: ownLatencies.length, p50: percentile(ownLatencies, 50), p99: percentile(ownLatencies, 99) },
  poolLatencyMs: { count: poolLatencies.length, p50: percentile(poolLatencies, 50), p99: percentile(poolLatencies, 99) },
  board: {
    framesPerClientPerSecond: { min: Math.min(...perClientRates), max: Math.max(...perClientRates) },
    cardsPerFrame: boardStats.reduce((a, s) => a + s.cards, 0) / Math.max(1, boardStats.reduce((a, s) => a + s.frames, 0)),
    minFrameGapMs: Math.min(...boardStats.map((s) => s.minFrameGapMs)),
    loadFramesPerClientPerSecond: boardStats.reduce((a, s) => a + s.loads, 0) / Math.max(1, boardStats.length) / seconds,
    snapshotCards: lateSnapshotCards,
  },
  clientEventLoopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6 },
};
await Promise.all(sellerConnections.concat(boardConnections).map((c) => c.stop()));
console.log(JSON.stringify(result));
