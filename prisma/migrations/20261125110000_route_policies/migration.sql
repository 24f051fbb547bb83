-- AlterTable
ALTER TABLE "routes" ADD COLUMN     "policies" JSONB;
