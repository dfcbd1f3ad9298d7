import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { randomBytes } from 'node:crypto';

/** A bank file shown in a preview page, kept until its "Enregistrer" (or forgotten). */
export interface PreviewedFile {
  coopId: string;
  year: number;
  username: string;
  bytes: Buffer;
  fileName: string;
}

/**
 * The files of the Relevés page's previews, in memory: a preview writes no file (a file on disk
 * would have no event to own it), and its form names it by a random token that only the same
 * user of the same coop and year can use. Bounded in bytes; a preview left an hour is forgotten
 * (the page then asks for the file again).
 */
@Injectable()
export class StatementPreviews {
  private readonly files = new LRUCache<string, PreviewedFile>({
    maxSize: 64 * 1024 * 1024,
    sizeCalculation: (file) => Math.max(1, file.bytes.length),
    ttl: 60 * 60 * 1000,
  });

  keep(file: PreviewedFile): string {
    const token = randomBytes(18).toString('base64url');
    this.files.set(token, file);
    return token;
  }

  /** The previewed file under this token, if the same user previewed it for this coop and year. */
  get(token: unknown, owner: { coopId: string; year: number; username: string }): PreviewedFile | null {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{24}$/.test(token)) return null;
    const file = this.files.get(token);
    return file && file.coopId === owner.coopId && file.year === owner.year && file.username === owner.username ? file : null;
  }

  forget(token: string): void {
    this.files.delete(token);
  }
}
