-- CreateTable
CREATE TABLE "traffic_summaries" (
    "id" BIGSERIAL NOT NULL,
    "bucket_seconds" INTEGER NOT NULL,
    "bucket_start" TIMESTAMP(3) NOT NULL,
    "node_id" TEXT NOT NULL,
    "route_id" TEXT NOT NULL,
    "pool_id" TEXT NOT NULL,
    "status_class" TEXT NOT NULL,
    "requests" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "error_causes" BIGINT[],
    "bytes_out" BIGINT NOT NULL,
    "bytes_saved" BIGINT NOT NULL,
    "cache_hits" BIGINT NOT NULL,
    "cache_misses" BIGINT NOT NULL,
    "latency_buckets" BIGINT[],

    CONSTRAINT "traffic_summaries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "traffic_rollups_bucket_seconds_bucket_start_idx" ON "traffic_rollups"("bucket_seconds", "bucket_start");

-- CreateIndex
CREATE INDEX "traffic_summaries_route_id_bucket_seconds_bucket_start_idx" ON "traffic_summaries"("route_id", "bucket_seconds", "bucket_start");

-- CreateIndex
CREATE UNIQUE INDEX "traffic_summaries_identity" ON "traffic_summaries"("bucket_seconds", "bucket_start", "node_id", "route_id", "pool_id", "status_class");

-- Element-wise sum of two count arrays; a missing or shorter array counts as zeros.
CREATE FUNCTION traffic_add_counts(a BIGINT[], b BIGINT[]) RETURNS BIGINT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i), '{}')
  FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i)
$$;

-- Element-wise sum of count arrays, for downsampling rollups.
CREATE AGGREGATE traffic_sum_counts(BIGINT[]) (SFUNC = traffic_add_counts, STYPE = BIGINT[], INITCOND = '{}');

-- `coalesce(sum(<element>), 0), …` for positions 1 to `count`; `element` has a %s for the position.
CREATE FUNCTION traffic_positional_sums(element TEXT, count INTEGER) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(string_agg(format('coalesce(sum(%s), 0)', format(element, i)), ', ' ORDER BY i), '')
  FROM generate_series(1, count) AS i
$$;

-- The statement that adds `source` (rows shaped like traffic_rollups, plus `sign`: 1 to add, -1 to
-- take away) to every summary level: summed into 5-minute buckets first, then those into each level
-- (every level is a multiple of 5 minutes). Arrays are summed position by position up to the given lengths.
CREATE FUNCTION traffic_summaries_add_sql(source TEXT, latency_count INTEGER, cause_count INTEGER) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
  SELECT format($statement$
    INSERT INTO traffic_summaries AS s (bucket_seconds, bucket_start, node_id, route_id, pool_id, status_class,
      requests, errors, error_causes, bytes_out, bytes_saved, cache_hits, cache_misses, latency_buckets)
    SELECT level.seconds, date_bin(make_interval(secs => level.seconds), f.bucket_start, TIMESTAMP '1970-01-01'),
      f.node_id, f.route_id, f.pool_id, f.status_class, sum(f.requests), sum(f.errors), ARRAY[%s]::BIGINT[],
      sum(f.bytes_out), sum(f.bytes_saved), sum(f.cache_hits), sum(f.cache_misses), ARRAY[%s]::BIGINT[]
    FROM (
      SELECT date_bin(INTERVAL '5 minutes', c.bucket_start, TIMESTAMP '1970-01-01') AS bucket_start,
        c.node_id, c.route_id, c.pool_id, c.status_class,
        sum(c.sign * c.requests) AS requests, sum(c.sign * c.errors) AS errors, ARRAY[%s]::BIGINT[] AS error_causes,
        sum(c.sign * c.bytes_out) AS bytes_out,
        coalesce(sum(c.sign * c.bytes_out) FILTER (WHERE c.cache_status IN ('hit', 'stale', 'revalidated')), 0) AS bytes_saved,
        coalesce(sum(c.sign * c.requests) FILTER (WHERE c.cache_status IN ('hit', 'revalidated')), 0) AS cache_hits,
        coalesce(sum(c.sign * c.requests) FILTER (WHERE c.cache_status = 'miss'), 0) AS cache_misses,
        ARRAY[%s]::BIGINT[] AS latency_buckets
      FROM (%s) AS c
      GROUP BY 1, 2, 3, 4, 5
    ) AS f CROSS JOIN (VALUES (300), (900), (3600), (21600), (86400)) AS level(seconds)
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (bucket_seconds, bucket_start, node_id, route_id, pool_id, status_class) DO UPDATE SET
      requests = s.requests + excluded.requests,
      errors = s.errors + excluded.errors,
      error_causes = traffic_add_counts(s.error_causes, excluded.error_causes),
      bytes_out = s.bytes_out + excluded.bytes_out,
      bytes_saved = s.bytes_saved + excluded.bytes_saved,
      cache_hits = s.cache_hits + excluded.cache_hits,
      cache_misses = s.cache_misses + excluded.cache_misses,
      latency_buckets = traffic_add_counts(s.latency_buckets, excluded.latency_buckets)
    $statement$,
    traffic_positional_sums('f.error_causes[%s]', cause_count),
    traffic_positional_sums('f.latency_buckets[%s]', latency_count),
    traffic_positional_sums('c.sign * c.error_causes[%s]', cause_count),
    traffic_positional_sums('c.sign * c.latency_buckets[%s]', latency_count),
    source)
$$;

-- Keeps traffic_summaries equal to the sum of traffic_rollups: what a statement inserts is added,
-- what it deletes is taken away, an update does both. Replacing a row with the same totals changes
-- nothing, so the writer's retries stay idempotent. A bulk load is summed once per statement.
CREATE FUNCTION traffic_summaries_follow() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  source TEXT := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT *, 1 AS sign FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT *, -1 AS sign FROM old_rows'
    ELSE 'SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 AS sign FROM old_rows'
  END;
  latency_count INTEGER;
  cause_count INTEGER;
BEGIN
  EXECUTE format('SELECT coalesce(max(cardinality(c.latency_buckets)), 0), coalesce(max(cardinality(c.error_causes)), 0) FROM (%s) AS c', source)
    INTO latency_count, cause_count;
  EXECUTE traffic_summaries_add_sql(source, latency_count, cause_count);
  RETURN NULL;
END $$;

CREATE TRIGGER traffic_summaries_on_insert AFTER INSERT ON traffic_rollups
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION traffic_summaries_follow();

-- Summaries of the history kept so far: the rows go out and back in through the insert trigger,
-- before the delete trigger exists.
CREATE TEMPORARY TABLE traffic_rollups_kept AS SELECT * FROM traffic_rollups;
DELETE FROM traffic_rollups;
INSERT INTO traffic_rollups SELECT * FROM traffic_rollups_kept;
DROP TABLE traffic_rollups_kept;

CREATE TRIGGER traffic_summaries_on_update AFTER UPDATE ON traffic_rollups
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION traffic_summaries_follow();
CREATE TRIGGER traffic_summaries_on_delete AFTER DELETE ON traffic_rollups
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION traffic_summaries_follow();
