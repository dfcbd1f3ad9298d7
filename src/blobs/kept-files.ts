import { createHash } from 'node:crypto';
import { DomainError } from '../domain/errors';
import { type BlobStore } from './blob-store';

export interface StoredVoucher {
  sha256: string;
  mediaType: string;
  size: number;
  fileName: string;
}

/** The type of a voucher by its first bytes, never by its name or declared type. */
export function sniffVoucherType(bytes: Buffer): string | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

/** A file kept by its content: its hash (its name in the store), size and the name it came with. */
export interface KeptFile {
  sha256: string;
  size: number;
  fileName: string;
}

/**
 * What the demo seed and the CLI need of the files: vouchers and bank files kept by content,
 * without HTTP (the server's VoucherStore adds the upload answers and sending).
 */
export interface DocumentFiles {
  store(file: { buffer: Buffer; originalname?: string; size: number } | undefined): Promise<StoredVoucher>;
  storeBankFile(bytes: Buffer, originalName: string | undefined): Promise<KeptFile>;
}

/**
 * Vouchers and bank files kept by content in a BlobStore (the event holds the metadata): the
 * same file twice is kept once, under its SHA-256.
 */
export class KeptFiles implements DocumentFiles {
  /** Content hash → the upload of those bytes in progress (keepWhile). */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(protected readonly blobs: BlobStore) {}

  /** A voucher (PDF, JPEG, PNG by its first bytes); anything else is refused. */
  async store(file: { buffer: Buffer; originalname?: string; size: number } | undefined): Promise<StoredVoucher> {
    const mediaType = file?.buffer?.length ? sniffVoucherType(file.buffer) : null;
    if (!file || !mediaType) throw new DomainError('FILE_TYPE_REFUSED', 'Seuls les fichiers PDF, JPEG ou PNG sont acceptés.', 'file');
    return { ...(await this.keep(file.buffer, file.originalname)), mediaType };
  }

  /**
   * A bank's statement file, kept as the voucher of its statement: its type is checked by the
   * parser that read it (CSV, OFX, CAMT.053), not by magic bytes.
   */
  storeBankFile(bytes: Buffer, originalName: string | undefined): Promise<KeptFile> {
    return this.keep(bytes, originalName);
  }

  /**
   * A file kept for as long as the command that records it: `record` gets the stored file and
   * sends the command; when the command is refused (nothing recorded), the file goes again unless
   * it was there before (another record owns it). One file at a time per content, so a refusal
   * never removes what a parallel upload of the same bytes just recorded.
   */
  async keepWhile<T>(bytes: Buffer, originalName: string | undefined, record: (stored: KeptFile) => Promise<T>): Promise<T> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const before = this.writing.get(sha256) ?? Promise.resolve();
    const turn = before.then(async () => {
      const existed = await this.blobs.has(sha256);
      const stored = await this.keep(bytes, originalName);
      try {
        return await record(stored);
      } catch (error) {
        // A refusal recorded nothing; anything else (a slow projection) may have recorded it.
        if (!existed && error instanceof DomainError) await this.blobs.remove(sha256).catch(() => undefined);
        throw error;
      }
    });
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.writing.set(sha256, settled);
    void settled.then(() => {
      if (this.writing.get(sha256) === settled) this.writing.delete(sha256);
    });
    return turn;
  }

  protected async keep(bytes: Buffer, originalName: string | undefined): Promise<KeptFile> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.blobs.put(sha256, bytes);
    const base = (originalName ?? 'piece').replace(/[^\p{L}\p{N} ._-]/gu, '_').slice(0, 100) || 'piece';
    return { sha256, size: bytes.length, fileName: base };
  }

  /** Whether a file can be kept now (for /health); throws what the write threw. */
  probeWrite(): Promise<void> {
    return this.blobs.probeWrite();
  }
}
