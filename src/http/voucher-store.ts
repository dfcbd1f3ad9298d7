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
import { MAX_ATTACHMENT_SIZE } from '../domain/ledger';
import type { Observable } from 'rxjs';
import type { Response } from 'express';
import { type BlobStore } from '../blobs/blob-store';
import { KeptFiles, type StoredVoucher, sniffVoucherType } from '../blobs/kept-files';
import { BLOB_STORE } from '../tokens';
import { CSRF_IN_PARTS, csrfInParts } from './auth/csrf';
import { ApiError } from './errors.filter';

export { type StoredVoucher, sniffVoucherType };

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'text/csv': 'csv',
  'application/x-ofx': 'ofx',
  'application/xml': 'xml',
};

/** The kept files as the server uses them: the upload's French answers (400, 415) and sending a file. */
@Injectable()
export class VoucherStore extends KeptFiles {
  constructor(@Inject(BLOB_STORE) blobs: BlobStore) {
    super(blobs);
  }

  override async store(file: { buffer: Buffer; originalname?: string; size: number } | undefined): Promise<StoredVoucher> {
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
    return super.store(file);
  }

  async send(res: Response, attachment: { sha256: string; mediaType: string; fileName: string }): Promise<void> {
    const bytes = await this.blobs.get(attachment.sha256);
    if (!bytes) {
      throw new ApiError(404, { error: 'not_found', code: 'NOT_FOUND', message: 'Fichier de la pièce introuvable.' });
    }
    const name = attachment.fileName.replace(/\.[^.]*$/, '') + '.' + (EXTENSIONS[attachment.mediaType] ?? 'bin');
    res.setHeader('Content-Type', attachment.mediaType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    res.setHeader('Content-Length', String(bytes.length));
    res.end(bytes);
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
