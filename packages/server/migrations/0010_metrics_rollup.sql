-- Hourly delivery metrics, so a 30-day window reads at most 720 rows per endpoint instead of every message
-- and attempt in it. Statement-level triggers keep it in the same transaction as the rows they count:
-- each statement appends one row per (project, hour, endpoint) it changed (merged = false), so concurrent
-- writers never wait for one another here; a background job folds those rows into one merged row per key.
-- A reader sums whatever rows a key has. Deleting messages or attempts (retention, deletion) does not
-- subtract them: the history keeps what was sent and attempted.
CREATE TABLE metrics_hourly (
  project_id    uuid NOT NULL,
  hour          timestamptz NOT NULL,
  endpoint_id   text NOT NULL,
  -- messages created in the hour, and of those, how many are now in each counted status
  total         bigint NOT NULL DEFAULT 0,
  succeeded     bigint NOT NULL DEFAULT 0,
  failed        bigint NOT NULL DEFAULT 0,
  retrying      bigint NOT NULL DEFAULT 0,
  -- attempts made in the hour: those after the first, and the receiver latencies recorded
  retries       bigint NOT NULL DEFAULT 0,
  latency_sum   bigint NOT NULL DEFAULT 0,
  latency_count bigint NOT NULL DEFAULT 0,
  merged        boolean NOT NULL DEFAULT false
);
CREATE INDEX metrics_hourly_key_idx ON metrics_hourly (project_id, hour, endpoint_id);
CREATE INDEX metrics_hourly_fresh_idx ON metrics_hourly (project_id, hour, endpoint_id) WHERE NOT merged;

CREATE FUNCTION metrics_hour(at timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN date_bin(interval '1 hour', at, timestamptz '1970-01-01 00:00:00+00');

CREATE FUNCTION metrics_count_new_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metrics_hourly (project_id, hour, endpoint_id, total, succeeded, failed, retrying)
  SELECT project_id, metrics_hour(created_at), endpoint_id, count(*),
         count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'failed_permanent'),
         count(*) FILTER (WHERE status = 'pending_retry')
    FROM new_rows GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

-- A status change moves a message between counts: every updated row is subtracted as it was and added as
-- it is, and what cancels out (claims, retention's payload updates) is dropped before it is written. Summed
-- per key rather than joined row by row: the transition tables have no index, and a join planned as a
-- nested loop over a 20,000-row update (resuming an endpoint) took minutes.
CREATE FUNCTION metrics_count_changed_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metrics_hourly (project_id, hour, endpoint_id, total, succeeded, failed, retrying)
  SELECT project_id, hour, endpoint_id, sum(total), sum(succeeded), sum(failed), sum(retrying)
    FROM (
      SELECT project_id, metrics_hour(created_at) AS hour, endpoint_id, -1 AS total,
             -(status = 'succeeded')::int AS succeeded, -(status = 'failed_permanent')::int AS failed,
             -(status = 'pending_retry')::int AS retrying
        FROM old_rows
      UNION ALL
      SELECT project_id, metrics_hour(created_at), endpoint_id, 1, (status = 'succeeded')::int,
             (status = 'failed_permanent')::int, (status = 'pending_retry')::int
        FROM new_rows
    ) d
   GROUP BY 1, 2, 3
  HAVING sum(total) <> 0 OR sum(succeeded) <> 0 OR sum(failed) <> 0 OR sum(retrying) <> 0;
  RETURN NULL;
END $$;

CREATE FUNCTION metrics_count_new_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metrics_hourly (project_id, hour, endpoint_id, retries, latency_sum, latency_count)
  SELECT project_id, metrics_hour(created_at), endpoint_id, count(*) FILTER (WHERE attempt_no > 1),
         COALESCE(sum(response_latency_ms), 0), count(response_latency_ms)
    FROM new_rows GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

-- Triggers first: CREATE TRIGGER waits for writers in flight and holds them off until this commits, so
-- every row is counted either by the backfill below or by the triggers, never by both or neither.
CREATE TRIGGER messages_metrics_insert AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metrics_count_new_messages();
CREATE TRIGGER messages_metrics_update AFTER UPDATE ON messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metrics_count_changed_messages();
CREATE TRIGGER attempts_metrics_insert AFTER INSERT ON attempts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metrics_count_new_attempts();

INSERT INTO metrics_hourly (project_id, hour, endpoint_id, total, succeeded, failed, retrying,
                            retries, latency_sum, latency_count, merged)
SELECT project_id, hour, endpoint_id, sum(total), sum(succeeded), sum(failed), sum(retrying),
       sum(retries), sum(latency_sum), sum(latency_count), true
  FROM (
    SELECT project_id, metrics_hour(created_at) AS hour, endpoint_id, count(*) AS total,
           count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
           count(*) FILTER (WHERE status = 'failed_permanent') AS failed,
           count(*) FILTER (WHERE status = 'pending_retry') AS retrying,
           0 AS retries, 0 AS latency_sum, 0 AS latency_count
      FROM messages GROUP BY 1, 2, 3
    UNION ALL
    SELECT project_id, metrics_hour(created_at), endpoint_id, 0, 0, 0, 0,
           count(*) FILTER (WHERE attempt_no > 1), COALESCE(sum(response_latency_ms), 0), count(response_latency_ms)
      FROM attempts GROUP BY 1, 2, 3
  ) counted
 GROUP BY 1, 2, 3;
