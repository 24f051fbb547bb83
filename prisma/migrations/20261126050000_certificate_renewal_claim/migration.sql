-- AlterTable
ALTER TABLE "certificates" ADD COLUMN     "renewal_claimed_until" TIMESTAMP(3);
