import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from './errors.filter';

const hasContent = (req: Request): boolean => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * The request's JSON object. No body at all reads as `{}` (a POST with nothing to say); a body no
 * parser took (XML, plain text) is 415 and a JSON array or scalar is 400 — the handlers then never
 * read fields of `undefined`.
 */
export const JsonBody = createParamDecorator((_data: unknown, context: ExecutionContext): Record<string, unknown> => {
  const req = context.switchToHttp().getRequest<Request>();
  const body: unknown = req.body;
  if (body === undefined || body === null) {
    if (!hasContent(req)) return {};
    throw new ApiError(415, {
      error: 'unsupported_media_type',
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Envoyez le contenu en JSON (Content-Type: application/json).',
    });
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, { error: 'invalid', code: 'BODY_INVALID', message: 'Le contenu envoyé doit être un objet JSON.' });
  }
  return body as Record<string, unknown>;
});
