import { postgresBinDir, startThrowawayCluster } from '../../scripts/pg-cluster';

/**
 * Jest global setup: without DATABASE_URL, a PostgreSQL cluster of its own for the PostgreSQL
 * suites (stopped by the teardown), so `npm test` stays one command. Workers inherit the URL.
 * Without PostgreSQL installed those suites are skipped — unless REQUIRE_POSTGRES is set (CI).
 */
export default async function setup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  if (!postgresBinDir()) {
    if (process.env.REQUIRE_POSTGRES) throw new Error('REQUIRE_POSTGRES : PostgreSQL introuvable');
    console.log('\nPostgreSQL absent : suites PostgreSQL ignorées (installez postgresql ou donnez DATABASE_URL)');
    return;
  }
  const cluster = await startThrowawayCluster();
  process.env.DATABASE_URL = cluster.url;
  (globalThis as { cahierPostgres?: { stop(): void } }).cahierPostgres = cluster;
}
