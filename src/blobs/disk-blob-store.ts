import { randomBytes } from 'node:crypto';
import { mkdirSync, promises as fs, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type BlobStore, SHA256 } from './blob-store';

/** Blobs as files under DATA_DIR/blobs/<sha256>: a file name is never used as a path. */
export class DiskBlobStore implements BlobStore {
  readonly engine = 'disk';
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'blobs');
    mkdirSync(this.dir, { recursive: true });
    // What a crash or a full disk left half-written: never a blob, since never renamed.
    for (const name of readdirSync(this.dir)) if (name.endsWith('.tmp')) rmSync(join(this.dir, name), { force: true });
  }

  async has(sha256: string): Promise<boolean> {
    if (!SHA256.test(sha256)) return false;
    return fs.access(join(this.dir, sha256)).then(
      () => true,
      () => false,
    );
  }

  async put(sha256: string, bytes: Buffer): Promise<void> {
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    const path = join(this.dir, sha256);
    if (await this.has(sha256)) return;
    // Written aside then renamed: a crash never leaves a half file under the final name. The
    // aside name is the write's own, so two writes of one file do not write into each other.
    const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await fs.writeFile(aside, bytes);
      await fs.rename(aside, path);
    } catch (error) {
      await fs.rm(aside, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  async get(sha256: string): Promise<Buffer | null> {
    if (!SHA256.test(sha256)) return null;
    try {
      return await fs.readFile(join(this.dir, sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async remove(sha256: string): Promise<void> {
    if (SHA256.test(sha256)) await fs.rm(join(this.dir, sha256), { force: true });
  }

  async probeWrite(): Promise<void> {
    const probe = join(this.dir, `.health-${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(probe, 'ok');
    } finally {
      await fs.rm(probe, { force: true }).catch(() => undefined);
    }
  }

  async close(): Promise<void> {}
}
