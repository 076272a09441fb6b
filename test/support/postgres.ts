// Connects to the PostgreSQL server that .ci/postgres.sh starts (127.0.0.1:54329, trust auth).
// When none answers, Postgres tests skip with a loud warning — unless LEADDEF_REQUIRE_POSTGRES=1,
// when they fail.
import pg from "pg";

export const PG_CONFIG = {
  host: process.env.LEADDEF_PG_HOST ?? "127.0.0.1",
  port: Number(process.env.LEADDEF_PG_PORT ?? 54329),
  user: process.env.LEADDEF_PG_USER ?? "postgres",
  database: process.env.LEADDEF_PG_DATABASE ?? "postgres",
};

export const POSTGRES_REQUIRED = process.env.LEADDEF_REQUIRE_POSTGRES === "1";

/** A connected client, or undefined (after a loud warning) when no server is reachable. */
export async function connectPostgres(): Promise<pg.Client | undefined> {
  const client = new pg.Client({ ...PG_CONFIG, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return client;
  } catch (e) {
    await client.end().catch(() => undefined);
    const message = `PostgreSQL not reachable at ${PG_CONFIG.host}:${PG_CONFIG.port} (${(e as Error).message}); run .ci/postgres.sh`;
    if (POSTGRES_REQUIRED) throw new Error(`${message} — LEADDEF_REQUIRE_POSTGRES=1, so this fails`);
    console.warn(`\n\n!!!!! SKIPPING POSTGRES TESTS: ${message} !!!!!\n\n`);
    return undefined;
  }
}
