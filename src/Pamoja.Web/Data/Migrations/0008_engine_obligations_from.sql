-- The first period whose obligations a group's last engine run needed
-- (DailyPlanner.FirstPeriodNeeded). The next run reads the obligations from there on in its
-- first round trip, with the earlier ones summed per member, and reads again from an earlier
-- period only in the rare run that needs one (decision 0006).
ALTER TABLE engine_cursors ADD COLUMN obligations_from integer NOT NULL DEFAULT 0 CHECK (obligations_from >= 0);
