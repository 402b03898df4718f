-- The account rows' upsert alone, as the Journey writes it, in a scratch database (creates tables aj_bench*):
--   psql -d scratch -v heap_only=0 -f account-rows-update.sql   (a full page; updated_at and the next check move: the code before 2026-11-23)
--   psql -d scratch -v heap_only=1 -f account-rows-update.sql   (half-full pages; the minute, and a next check that stays)
-- 100,000 rows, then 70 upserts of 1,000 rows over 7,000 hot accounts, each its own transaction. Prints the time per
-- row and how many updates were heap-only. Alternate the two a few times: the machine's noise is as large as the effect.
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
DROP TABLE IF EXISTS aj_bench, aj_bench_src;
SELECT CASE WHEN :heap_only = 1 THEN 50 ELSE 100 END AS ff \gset
CREATE TABLE aj_bench (account_id text PRIMARY KEY, version bigint NOT NULL, state json, state_version bigint NOT NULL DEFAULT 0,
  contacts text[] NOT NULL DEFAULT ARRAY[]::text[], card json NOT NULL, focus_job text, next_check_at timestamptz,
  annual_revenue numeric, updated_at timestamptz NOT NULL DEFAULT now()) WITH (fillfactor = :ff);
CREATE INDEX ON aj_bench (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX ON aj_bench (updated_at DESC);
CREATE TABLE aj_bench_src AS SELECT 'account' || g || '.example' AS id, g AS v, g % 7 AS grp,
  'person1@a.example' || E'\n' || 'person2@a.example' || E'\n' || 'person3@a.example' AS c,
  json_build_object('accountId', 'account' || g, 'name', 'Account ' || g, 'ownerSellerId', 'quinn', 'territory', 'emea',
    'segment', 'enterprise', 'tier', 'A', 'focusJob', 'supplier_selection', 'previousFocusJob', 'solution_exploration',
    'focusChangedAt', now(), 'furthestJob', 'validation', 'scores', json_build_object('engagement', 50, 'breadth', 30,
    'surge', 20, 'urgency', 70), 'openPrompts', 1, 'lastSignalAt', now(), 'signalCount', g, 'version', g)::text AS card,
  date_trunc('hour', now()) + interval '1 day' AS n FROM generate_series(1, 100000) g;
INSERT INTO aj_bench (account_id, version, contacts, card, focus_job, next_check_at)
  SELECT id, v, string_to_array(c, E'\n'), card::json, 'supplier_selection', n FROM aj_bench_src;
DELETE FROM aj_bench_src WHERE v > 7000;
CREATE INDEX ON aj_bench_src (grp);
VACUUM ANALYZE aj_bench, aj_bench_src;
CHECKPOINT;
SELECT n_tup_upd AS upd0, n_tup_hot_upd AS hot0 FROM pg_stat_user_tables WHERE relname = 'aj_bench' \gset
SELECT clock_timestamp() AS t0 \gset
SELECT format($q$
  INSERT INTO aj_bench (account_id, version, contacts, card, focus_job, next_check_at, updated_at)
  SELECT id, v + %s, string_to_array(c, E'\n'), card::json, 'supplier_selection', %s, %s FROM aj_bench_src WHERE grp = %s
  ON CONFLICT (account_id) DO UPDATE SET version = EXCLUDED.version, state = coalesce(EXCLUDED.state, aj_bench.state),
    contacts = EXCLUDED.contacts, card = EXCLUDED.card, focus_job = EXCLUDED.focus_job,
    next_check_at = EXCLUDED.next_check_at, updated_at = EXCLUDED.updated_at$q$,
  j + 1,
  CASE WHEN :heap_only = 1 THEN 'n' ELSE format('n + interval %L', j || ' seconds') END,
  CASE WHEN :heap_only = 1 THEN 'date_trunc(''minute'', now())' ELSE 'clock_timestamp()' END,
  j % 7)
FROM generate_series(0, 69) j \gexec
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric * 1e6 / 70000, 1) AS us_per_row \gset
SELECT pg_stat_force_next_flush() IS NULL AS flushed \gset
\c
SELECT :heap_only AS heap_only, :us_per_row AS "µs per row", n_tup_upd - :upd0 AS updates, n_tup_hot_upd - :hot0 AS heap_only_updates
  FROM pg_stat_user_tables WHERE relname = 'aj_bench';
DROP TABLE aj_bench, aj_bench_src;
