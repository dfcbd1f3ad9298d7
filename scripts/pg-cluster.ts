import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster in a temp folder on 127.0.0.1 and a free port (~2 s), for the
 * tests (jest's global setup) and the bench when DATABASE_URL is not given. initdb refuses to run
 * as root: then the cluster runs as the system user `postgres`.
 */
export interface ThrowawayCluster {
  url: string;
  /** The temp folder holding the cluster (data, log, socket). */
  dir: string;
  stop(): void;
}

const BIN_DIRS = ['/usr/local/bin', '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/bin'];

export function postgresBinDir(): string | null {
  return BIN_DIRS.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ?? null;
}

export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL introuvable (initdb, pg_ctl) : installez postgresql ou donnez DATABASE_URL');
  const dir = mkdtempSync(join(tmpdir(), 'cahier-pg-'));
  if (asRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  const run = runner(bin);
  run('initdb', ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '-D', data]);
  // fsync stays on: the SIGKILL suite relies on acknowledged commits being durable.
  run('pg_ctl', ['-w', '-D', data, '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -h 127.0.0.1 -c max_connections=200`, 'start']);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, stop: () => stopCluster(dir) };
}

/** Stops the cluster in `dir` (fast: sessions are cut) and removes the folder. */
export function stopCluster(dir: string): void {
  try {
    runner(postgresBinDir()!)('pg_ctl', ['-w', '-D', join(dir, 'data'), '-m', 'fast', 'stop']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const asRoot = (): boolean => process.getuid?.() === 0;

function runner(bin: string): (tool: string, args: string[]) => void {
  return (tool, args) => {
    const [file, argv] = asRoot() ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    execFileSync(file, argv, { stdio: 'pipe', cwd: tmpdir() });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * `node -r ts-node/register/transpile-only scripts/pg-cluster.ts start FILE` writes the URL and
 * the folder to FILE; `stop FILE` stops that cluster (.ci/run, with a trap).
 */
if (require.main === module) {
  const [action, file] = process.argv.slice(2);
  if (action === 'start' && file) {
    void startThrowawayCluster().then((cluster) => {
      writeFileSync(file, `${cluster.url}\n${cluster.dir}\n`);
      console.log(`PostgreSQL de test : ${cluster.url}`);
    });
  } else if (action === 'stop' && file) {
    const [, dir] = readFileSync(file, 'utf8').split('\n');
    if (dir) stopCluster(dir);
  } else {
    console.error('usage: pg-cluster.ts start|stop FILE');
    process.exit(2);
  }
}
