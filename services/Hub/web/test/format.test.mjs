// The web app's formatting, in Node (node:test), bundled from the TypeScript sources by esbuild (npm test).
import assert from "node:assert/strict";
import { test } from "node:test";
import { eventLabel, relative, time, timeWindow } from "../src/format.ts";

// Local times, as the browser shows them: the expectations use the same clock and locale as the code.
const at = (day, hour, minute = 0) => new Date(2026, 10, day, hour, minute);
const iso = (d) => d.toISOString();

test("a window already open reads from now", () => {
  const now = at(23, 10, 25);
  assert.equal(timeWindow(iso(at(23, 10)), iso(at(23, 16)), now), `now–${time(iso(at(23, 16)))}`);
});

test("a window later today reads as times alone", () => {
  assert.equal(timeWindow(iso(at(23, 14)), iso(at(23, 16)), at(23, 10)), `${time(iso(at(23, 14)))}–${time(iso(at(23, 16)))}`);
});

test("a window tomorrow says so", () => {
  assert.equal(timeWindow(iso(at(24, 8)), iso(at(24, 16)), at(23, 22)), `tomorrow ${time(iso(at(24, 8)))}–${time(iso(at(24, 16)))}`);
});

test("a window later in the week names its day, and beyond a week its date", () => {
  const thursday = at(26, 9);
  assert.equal(timeWindow(iso(thursday), iso(at(26, 10)), at(23, 10)),
    `${thursday.toLocaleDateString([], { weekday: "short" })} ${time(iso(thursday))}–${time(iso(at(26, 10)))}`);
  const nextWeek = at(30, 9);
  assert.equal(timeWindow(iso(nextWeek), iso(at(30, 10)), at(22, 10)),
    `${nextWeek.toLocaleDateString([], { month: "short", day: "numeric" })}, ${time(iso(nextWeek))}–${time(iso(at(30, 10)))}`);
});

test("event types read as words, without their service and version", () => {
  assert.equal(eventLabel("journey.prompt_raised.v1"), "Prompt raised");
  assert.equal(eventLabel("journey.focus_job_changed.v2"), "Focus job changed");
});

test("due times read relative to now", () => {
  const now = at(23, 10).getTime();
  assert.equal(relative(iso(at(23, 10, 25)), now), "in 25 min");
  assert.equal(relative(iso(at(23, 7)), now), "3 h ago");
  assert.equal(relative(iso(at(23, 10)), now), "just now");
});
