import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import { DomainError } from '../domain/errors';
import { MAX_ATTACHMENT_SIZE } from '../domain/ledger';
import type { Observable } from 'rxjs';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, promises as fs, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'express';
import { Config } from '../config';
import { CONFIG } from '../tokens';
import { CSRF_IN_PARTS, csrfInParts } from './auth/csrf';
import { ApiError } from './errors.filter';

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

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'text/csv': 'csv',
  'application/x-ofx': 'ofx',
  'application/xml': 'xml',
};

/**
 * Voucher files, content-addressed under DATA_DIR/blobs/<sha256> (the event holds the metadata):
 * the same file twice is stored once, and a file name is never used as a path.
 */
@Injectable()
export class VoucherStore {
  private readonly dir: string;
  /** Content hash → the upload of those bytes in progress (keepWhile). */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(@Inject(CONFIG) config: Config) {
    this.dir = join(config.dataDir, 'blobs');
    mkdirSync(this.dir, { recursive: true });
    // What a crash or a full disk left half-written: never a voucher, since never renamed.
    for (const name of readdirSync(this.dir)) if (name.endsWith('.tmp')) rmSync(join(this.dir, name), { force: true });
  }

  async store(file: { buffer: Buffer; originalname?: string; size: number } | undefined): Promise<StoredVoucher> {
    if (!file || !file.buffer?.length) {
      throw new ApiError(400, {
        error: 'invalid',
        code: 'FILE_REQUIRED',
        message: 'Choisissez un fichier (PDF, JPEG ou PNG).',
        fields: { file: 'Choisissez un fichier (PDF, JPEG ou PNG).' },
      });
    }
    const mediaType = sniffVoucherType(file.buffer);
    if (!mediaType) {
      throw new ApiError(415, {
        error: 'unsupported_media_type',
        code: 'FILE_TYPE_REFUSED',
        message: 'Seuls les fichiers PDF, JPEG ou PNG sont acceptés.',
        fields: { file: 'Seuls les fichiers PDF, JPEG ou PNG sont acceptés.' },
      });
    }
    return { ...(await this.keep(file.buffer, file.originalname)), mediaType };
  }

  /**
   * A bank's statement file, kept as the voucher of its statement: its type is checked by the
   * parser that read it (CSV, OFX, CAMT.053), not by magic bytes.
   */
  storeBankFile(bytes: Buffer, originalName: string | undefined): Promise<{ sha256: string; size: number; fileName: string }> {
    return this.keep(bytes, originalName);
  }

  /**
   * A file kept for as long as the command that records it: `record` gets the stored file and
   * sends the command; when the command is refused (nothing recorded), the file goes again unless
   * it was there before (another record owns it). One file at a time per content, so a refusal
   * never removes what a parallel upload of the same bytes just recorded.
   */
  async keepWhile<T>(
    bytes: Buffer,
    originalName: string | undefined,
    record: (stored: { sha256: string; size: number; fileName: string }) => Promise<T>,
  ): Promise<T> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const before = this.writing.get(sha256) ?? Promise.resolve();
    const turn = before.then(async () => {
      const path = join(this.dir, sha256);
      const existed = existsSync(path);
      const stored = await this.keep(bytes, originalName);
      try {
        return await record(stored);
      } catch (error) {
        // A refusal recorded nothing; anything else (a slow projection) may have recorded it.
        if (!existed && error instanceof DomainError) await fs.rm(path, { force: true }).catch(() => undefined);
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

  private async keep(bytes: Buffer, originalName: string | undefined): Promise<{ sha256: string; size: number; fileName: string }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = join(this.dir, sha256);
    if (!existsSync(path)) {
      // Written aside then renamed: a crash never leaves a half file under the final name. The
      // aside name is the upload's own, so two uploads of one file do not write into each other.
      const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await fs.writeFile(aside, bytes);
        await fs.rename(aside, path);
      } catch (error) {
        await fs.rm(aside, { force: true }).catch(() => undefined);
        throw error;
      }
    }
    const base = (originalName ?? 'piece').replace(/[^\p{L}\p{N} ._-]/gu, '_').slice(0, 100) || 'piece';
    return { sha256, size: bytes.length, fileName: base };
  }

  /** Whether a file can be written where vouchers go (for /health); throws what the write threw. */
  async probeWrite(): Promise<void> {
    const probe = join(this.dir, `.health-${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(probe, 'ok');
    } finally {
      await fs.rm(probe, { force: true }).catch(() => undefined);
    }
  }

  async send(res: Response, attachment: { sha256: string; mediaType: string; fileName: string }): Promise<void> {
    const path = join(this.dir, attachment.sha256);
    if (!/^[0-9a-f]{64}$/.test(attachment.sha256) || !existsSync(path)) {
      throw new ApiError(404, { error: 'not_found', code: 'NOT_FOUND', message: 'Fichier de la pièce introuvable.' });
    }
    const name = attachment.fileName.replace(/\.[^.]*$/, '') + '.' + (EXTENSIONS[attachment.mediaType] ?? 'bin');
    res.setHeader('Content-Type', attachment.mediaType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    res.sendFile(path);
  }
}

/** After every part is read: the token of a form that carried no file. */
@Injectable()
class CsrfAfterParts implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const refusal = csrfInParts(context.switchToHttp().getRequest<Request>());
    if (refusal) throw refusal;
    return next.handle();
  }
}

/**
 * A route receiving one voucher as the multipart field `file`, at most MAX_ATTACHMENT_SIZE. A
 * page form sends its CSRF token as the field `_csrf` before the file (an API client, as the
 * header): checked as the file begins, before its bytes are read.
 */
export const VoucherUpload = () =>
  applyDecorators(
    SetMetadata(CSRF_IN_PARTS, true),
    UseInterceptors(
      FileInterceptor('file', {
        limits: { fileSize: MAX_ATTACHMENT_SIZE, files: 1 },
        // Browsers send a file's name in UTF-8 ("facture été.pdf"); busboy's default reads Latin-1.
        defParamCharset: 'utf8',
        fileFilter: (req, _file, accept) => {
          const refusal = csrfInParts(req);
          accept(refusal, !refusal);
        },
      }),
      CsrfAfterParts,
    ),
  );
