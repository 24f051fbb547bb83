/** What the global setup hands to every test worker. */
export interface TestDatabaseContext {
  /** A superuser URL on the test server (its database is a maintenance one). */
  adminUrl: string;
  /** A migrated database that each test file's database is copied from. */
  templateName: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    testDatabase: TestDatabaseContext;
  }
}

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
