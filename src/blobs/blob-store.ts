/**
 * The blob store port: bytes kept by their SHA-256 (vouchers, bank files, submission documents;
 * the events hold their metadata). On the local disk for the embedded default (DiskBlobStore), in
 * the database with a server read store (PostgresBlobStore), so that every instance serves them.
 */
export interface BlobStore {
  readonly engine: string;
  has(sha256: string): Promise<boolean>;
  /** Keeps the bytes under their hash unless they are there; never half of them under that name. */
  put(sha256: string, bytes: Buffer): Promise<void>;
  /** The bytes, or null when nothing is kept under that hash (or it is no hash). */
  get(sha256: string): Promise<Buffer | null>;
  remove(sha256: string): Promise<void>;
  /** Whether a blob can be written now (for /health); throws what the write threw. */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}

export const SHA256 = /^[0-9a-f]{64}$/;
