-- Roll-up days are UTC days (rollup_day), but a fold of a few days read each day's facts as [day, day + 1 day),
-- and `+ interval '1 day'` counts a day in the session's time zone. On a PostgreSQL server whose time zone keeps
-- daylight saving time (Europe/Berlin, America/New_York…), the day the clocks went forward lost its last hour of
-- facts from its roll-up rows, and the day they went back counted the next day's first hour too: analysis from
-- roll-ups then differed from the raw facts on those days. PGlite and servers in UTC were not affected.
-- The fold now runs in UTC, whatever the session's time zone.
ALTER FUNCTION activity_rollups_insert_days(text, text, timestamptz[]) SET TimeZone = 'UTC';

-- The days an earlier fold may have got wrong, folded again (at this migration's commit): the UTC days on which a
-- day in this session's time zone (the server's, as the store's folds ran in) is not 24 hours long, for every
-- project. In UTC there are none and nothing is read.
DO $$
DECLARE
  uneven timestamptz[];
BEGIN
  SELECT array_agg(d) INTO uneven
  FROM generate_series(timestamptz '2000-01-01 00:00:00+00', now() + interval '400 days', interval '24 hours') AS d
  WHERE d + interval '1 day' <> d + interval '24 hours';
  IF uneven IS NULL THEN RETURN; END IF;
  INSERT INTO activity_rollups_pending (site, project, day)
  SELECT p.site, p.project, d.day
  FROM (SELECT DISTINCT site, project FROM activities) p CROSS JOIN unnest(uneven) AS d(day)
  ON CONFLICT DO NOTHING;
END
$$;
