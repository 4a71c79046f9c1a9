-- Noting the scopes of updated facts joins the statement's old and new rows by id (activity_rollups_track). PL/pgSQL
-- plans that query once per session, and the first upsert of a session is usually all inserts: its UPDATE trigger
-- fires with both transition tables empty, so the plan kept was a nested loop. Every later statement that rewrote
-- facts (a re-sync writes every fact of each changed issue again) then compared each old row with each new one:
-- 5.4 s for a statement of 4,500 facts on PGlite, 30 ms joined by sorting or hashing. Without nested loops the plan
-- is one of those whatever the first statement held. JIT off as in the fold (migration 160): the nested loop over
-- each row's old and new values cannot be avoided, its disabled cost passes jit_above_cost, and PostgreSQL compiled
-- the query for every statement (400–460 ms of a 5,000-fact statement's trigger, 11–26 ms without).
ALTER FUNCTION activity_rollups_track() SET enable_nestloop = off SET jit = off;
