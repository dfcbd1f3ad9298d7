import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL server of the run (the global setup's or CI's), or undefined: the suite is skipped. */
export const POSTGRES_URL = process.env.DATABASE_URL;

/** `describe` when PostgreSQL is there, else skipped with a line saying so (CI sets REQUIRE_POSTGRES). */
export const describePostgres: jest.Describe = POSTGRES_URL ? describe : (describe.skip as jest.Describe);
if (!POSTGRES_URL) console.log('PostgreSQL : suite ignorée (DATABASE_URL absent)');

/** A new empty database on the run's server, for one suite; drop() removes it. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cahier_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
