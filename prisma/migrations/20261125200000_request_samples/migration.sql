-- AlterTable
ALTER TABLE "traffic_rollups" ADD COLUMN     "error_causes" BIGINT[];

-- CreateTable
CREATE TABLE "request_samples" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "node_id" TEXT NOT NULL,
    "worker" INTEGER NOT NULL,
    "route_id" TEXT NOT NULL,
    "pool_id" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "cause" TEXT,
    "cache_status" TEXT NOT NULL,
    "slow" BOOLEAN NOT NULL,
    "total_ms" DOUBLE PRECISION NOT NULL,
    "upstream_ms" DOUBLE PRECISION NOT NULL,
    "attempts" INTEGER NOT NULL,
    "request_id" TEXT NOT NULL,

    CONSTRAINT "request_samples_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "request_samples_node_id_at_idx" ON "request_samples"("node_id", "at");

-- CreateIndex
CREATE INDEX "request_samples_at_idx" ON "request_samples"("at");
