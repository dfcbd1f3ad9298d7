/** Stops the cluster the global setup started (none when DATABASE_URL was given). */
export default async function teardown(): Promise<void> {
  const cluster = (globalThis as { cahierPostgres?: { stop(): void } }).cahierPostgres;
  if (!cluster) return;
  cluster.stop();
  delete process.env.DATABASE_URL;
}
