-- CreateTable
CREATE TABLE "traffic_cluster_summaries" (
    "id" BIGSERIAL NOT NULL,
    "bucket_seconds" INTEGER NOT NULL,
    "bucket_start" TIMESTAMP(3) NOT NULL,
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

    CONSTRAINT "traffic_cluster_summaries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "traffic_cluster_summaries_route_idx" ON "traffic_cluster_summaries"("route_id", "bucket_seconds", "bucket_start");

-- CreateIndex
CREATE UNIQUE INDEX "traffic_cluster_summaries_identity" ON "traffic_cluster_summaries"("bucket_seconds", "bucket_start", "route_id", "pool_id", "status_class");

-- `<element>, …` for positions 1 to `count`; `element` has a %1$s (as often as needed) for the position.
CREATE FUNCTION traffic_positional_list(element TEXT, count INTEGER) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(string_agg(format(element, i), ', ' ORDER BY i), '')
  FROM generate_series(1, count) AS i
$$;

-- `SET` clauses that add an upsert's `excluded` counters to the stored row `s`. Count arrays are
-- added position by position in place (a function call per row costs more than the rest of the
-- upsert); a stored array longer than the new one, left by an older, longer layout, goes through
-- traffic_add_counts so that no position is lost.
CREATE FUNCTION traffic_summaries_add_set_sql(latency_count INTEGER, cause_count INTEGER) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
  SELECT format($set$
      requests = s.requests + excluded.requests,
      errors = s.errors + excluded.errors,
      error_causes = CASE WHEN cardinality(s.error_causes) > %1$s
        THEN traffic_add_counts(s.error_causes, excluded.error_causes) ELSE ARRAY[%2$s]::BIGINT[] END,
      bytes_out = s.bytes_out + excluded.bytes_out,
      bytes_saved = s.bytes_saved + excluded.bytes_saved,
      cache_hits = s.cache_hits + excluded.cache_hits,
      cache_misses = s.cache_misses + excluded.cache_misses,
      latency_buckets = CASE WHEN cardinality(s.latency_buckets) > %3$s
        THEN traffic_add_counts(s.latency_buckets, excluded.latency_buckets) ELSE ARRAY[%4$s]::BIGINT[] END
    $set$,
    cause_count,
    traffic_positional_list('coalesce(s.error_causes[%1$s], 0) + coalesce(excluded.error_causes[%1$s], 0)', cause_count),
    latency_count,
    traffic_positional_list('coalesce(s.latency_buckets[%1$s], 0) + coalesce(excluded.latency_buckets[%1$s], 0)', latency_count))
$$;

-- The statement that adds `source` (rows shaped like traffic_summaries) to the cluster summaries,
-- the nodes added together, in key order: writers sharing cluster rows wait for each other instead
-- of deadlocking. Arrays are summed position by position up to the given lengths.
CREATE FUNCTION traffic_cluster_summaries_add_sql(source TEXT, latency_count INTEGER, cause_count INTEGER) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
  SELECT format($statement$
    INSERT INTO traffic_cluster_summaries AS s (bucket_seconds, bucket_start, route_id, pool_id, status_class,
      requests, errors, error_causes, bytes_out, bytes_saved, cache_hits, cache_misses, latency_buckets)
    SELECT f.bucket_seconds, f.bucket_start, f.route_id, f.pool_id, f.status_class, sum(f.requests), sum(f.errors),
      ARRAY[%1$s]::BIGINT[], sum(f.bytes_out), sum(f.bytes_saved), sum(f.cache_hits), sum(f.cache_misses),
      ARRAY[%2$s]::BIGINT[]
    FROM %3$s AS f
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (bucket_seconds, bucket_start, route_id, pool_id, status_class) DO UPDATE SET %4$s
    $statement$,
    traffic_positional_sums('f.error_causes[%s]', cause_count),
    traffic_positional_sums('f.latency_buckets[%s]', latency_count),
    source,
    traffic_summaries_add_set_sql(latency_count, cause_count))
$$;

-- The statement that adds `source` (rows shaped like traffic_rollups, plus `sign`: 1 to add, -1 to
-- take away) to every summary level of both summary tables: summed into 5-minute buckets first,
-- then those into each level per node (every level is a multiple of 5 minutes), then the nodes
-- together. Arrays are summed position by position up to the given lengths; rows are upserted in
-- key order.
CREATE OR REPLACE FUNCTION traffic_summaries_add_sql(source TEXT, latency_count INTEGER, cause_count INTEGER) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
  SELECT format($statement$
    WITH five_minutes AS (
      SELECT date_bin(INTERVAL '5 minutes', c.bucket_start, TIMESTAMP '1970-01-01') AS bucket_start,
        c.node_id, c.route_id, c.pool_id, c.status_class,
        sum(c.sign * c.requests) AS requests, sum(c.sign * c.errors) AS errors, ARRAY[%1$s]::BIGINT[] AS error_causes,
        sum(c.sign * c.bytes_out) AS bytes_out,
        coalesce(sum(c.sign * c.bytes_out) FILTER (WHERE c.cache_status IN ('hit', 'stale', 'revalidated')), 0) AS bytes_saved,
        coalesce(sum(c.sign * c.requests) FILTER (WHERE c.cache_status IN ('hit', 'revalidated')), 0) AS cache_hits,
        coalesce(sum(c.sign * c.requests) FILTER (WHERE c.cache_status = 'miss'), 0) AS cache_misses,
        ARRAY[%2$s]::BIGINT[] AS latency_buckets
      FROM (%5$s) AS c
      GROUP BY 1, 2, 3, 4, 5
    ), per_node AS MATERIALIZED (
      SELECT level.seconds AS bucket_seconds,
        date_bin(make_interval(secs => level.seconds), f.bucket_start, TIMESTAMP '1970-01-01') AS bucket_start,
        f.node_id, f.route_id, f.pool_id, f.status_class, sum(f.requests) AS requests, sum(f.errors) AS errors,
        ARRAY[%3$s]::BIGINT[] AS error_causes, sum(f.bytes_out) AS bytes_out, sum(f.bytes_saved) AS bytes_saved,
        sum(f.cache_hits) AS cache_hits, sum(f.cache_misses) AS cache_misses, ARRAY[%4$s]::BIGINT[] AS latency_buckets
      FROM five_minutes AS f CROSS JOIN (VALUES (300), (900), (3600), (21600), (86400)) AS level(seconds)
      GROUP BY 1, 2, 3, 4, 5, 6
    ), node_summaries AS (
      INSERT INTO traffic_summaries AS s (bucket_seconds, bucket_start, node_id, route_id, pool_id, status_class,
        requests, errors, error_causes, bytes_out, bytes_saved, cache_hits, cache_misses, latency_buckets)
      SELECT * FROM per_node
      ORDER BY 1, 2, 3, 4, 5, 6
      ON CONFLICT (bucket_seconds, bucket_start, node_id, route_id, pool_id, status_class) DO UPDATE SET %6$s
    )
    %7$s
    $statement$,
    traffic_positional_sums('c.sign * c.error_causes[%s]', cause_count),
    traffic_positional_sums('c.sign * c.latency_buckets[%s]', latency_count),
    traffic_positional_sums('f.error_causes[%s]', cause_count),
    traffic_positional_sums('f.latency_buckets[%s]', latency_count),
    source,
    traffic_summaries_add_set_sql(latency_count, cause_count),
    traffic_cluster_summaries_add_sql('per_node', latency_count, cause_count))
$$;

-- The cluster summaries of the history kept so far, summed from the node summaries (which equal
-- the rollups' sums), every level and bucket at once.
DO $$
DECLARE
  latency_count INTEGER;
  cause_count INTEGER;
BEGIN
  SELECT coalesce(max(cardinality(latency_buckets)), 0), coalesce(max(cardinality(error_causes)), 0)
    INTO latency_count, cause_count FROM traffic_summaries;
  EXECUTE traffic_cluster_summaries_add_sql('traffic_summaries', latency_count, cause_count);
END $$;
