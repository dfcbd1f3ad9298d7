import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ErrorRequestHandler, Request, Response } from 'express';
import { DomainError, ValidationFailed } from '../domain/errors';
import { MAX_ATTACHMENT_WORDS } from '../domain/ledger';
import { StoreUnavailable, WrongExpectedRevision } from '../events/event-store';
import { ProjectionsBehind } from '../projections/projector';
import { HashingBusy } from '../users/password-hashing';
import { Views } from './views';
import { isDiskFull, type WriteFailures } from './write-failures';

/** The one error shape of the JSON API (API.md). */
export interface ErrorBody {
  error: string;
  code: string;
  message: string;
  fields?: Record<string, string>;
  blockers?: unknown;
}

/** An HTTP refusal already in our shape, thrown by guards and controllers. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body, status);
  }
}

export const notFound = (): ApiError => new ApiError(404, { error: 'not_found', code: 'NOT_FOUND', message: 'Ressource introuvable.' });

export const unauthenticated = (): ApiError => new ApiError(401, { error: 'unauthorized', code: 'UNAUTHENTICATED', message: 'Connectez-vous pour continuer.' });

export const KIND_STATUS: Record<DomainError['kind'], number> = { invalid: 400, not_found: 404, conflict: 409, forbidden: 403, gone: 410, too_large: 413 };

/** The answer for a status when nothing more precise is known; never the English of a library. */
const BY_STATUS: Record<number, Omit<ErrorBody, 'fields'>> = {
  400: { error: 'invalid', code: 'BAD_REQUEST', message: 'La requête est invalide.' },
  401: { error: 'unauthorized', code: 'UNAUTHENTICATED', message: 'Connectez-vous pour continuer.' },
  403: { error: 'forbidden', code: 'FORBIDDEN', message: "Vous n'avez pas le droit de faire cette opération." },
  404: { error: 'not_found', code: 'NOT_FOUND', message: 'Ressource introuvable.' },
  405: { error: 'invalid', code: 'METHOD_NOT_ALLOWED', message: "Cette opération n'est pas possible ici." },
  406: { error: 'invalid', code: 'NOT_ACCEPTABLE', message: 'Ce format de réponse ne peut pas être fourni.' },
  409: { error: 'conflict', code: 'CONFLICT', message: 'Ces données ont changé entre-temps. Rechargez la page et recommencez.' },
  413: { error: 'payload_too_large', code: 'PAYLOAD_TOO_LARGE', message: 'Le contenu envoyé est trop volumineux.' },
  415: { error: 'unsupported_media_type', code: 'UNSUPPORTED_MEDIA_TYPE', message: "Ce type de contenu n'est pas accepté." },
  429: { error: 'too_many_requests', code: 'TOO_MANY_REQUESTS', message: 'Trop de tentatives. Réessayez dans quelques minutes.' },
  503: {
    error: 'unavailable',
    code: 'SERVICE_UNAVAILABLE',
    message: 'Le service est momentanément indisponible, réessayez dans un instant.',
  },
};

const INTERNAL: ErrorBody = {
  error: 'internal',
  code: 'INTERNAL',
  message: "Une erreur inattendue s'est produite. Réessayez ; si elle persiste, prévenez votre association départementale.",
};

const LOGIN_BUSY = 'Trop de connexions en même temps : réessayez dans quelques secondes.';

/** A write the disk has no room for: nothing was recorded, and it is not the user's doing. */
export const DISK_FULL: ErrorBody = {
  error: 'unavailable',
  code: 'DISK_FULL',
  message: "Le disque du serveur est plein : rien n'a été enregistré. Réessayez plus tard ; si cela dure, prévenez votre association départementale.",
};

/** A change recorded durably whose pages have not caught up yet (the read store is slow or full). */
export const RECORDED_DISPLAY_LATE: ErrorBody = {
  error: 'unavailable',
  code: 'RECORDED_DISPLAY_LATE',
  message: "Enregistré, affichage en retard : l'opération est bien enregistrée, les pages la montreront dans un instant. Ne la recommencez pas.",
};

export interface DescribedError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** A bug or an outage rather than a refusal: worth a log line with the stack. */
  unexpected: boolean;
}

const refusal = (status: number, body: ErrorBody, headers: Record<string, string> = {}): DescribedError => ({
  status,
  body,
  headers,
  unexpected: false,
});

function byStatus(status: number): ErrorBody {
  return { ...(BY_STATUS[status] ?? (status >= 500 ? INTERNAL : BY_STATUS[400])) };
}

function isErrorBody(value: unknown): value is ErrorBody {
  const v = value as ErrorBody | null;
  return !!v && typeof v === 'object' && typeof v.error === 'string' && typeof v.code === 'string' && typeof v.message === 'string';
}

/** Maps anything thrown to a status and our JSON shape, in French. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof ApiError) return refusal(error.getStatus(), error.body, error.headers);
  if (error instanceof ValidationFailed) {
    return refusal(400, { error: 'invalid', code: error.code, message: error.message, fields: error.fields });
  }
  if (error instanceof DomainError) {
    const body: ErrorBody = { error: error.kind === 'too_large' ? 'payload_too_large' : error.kind, code: error.code, message: error.message };
    if (error.field) body.fields = { [error.field]: error.message };
    if (error.details?.blockers !== undefined) body.blockers = error.details.blockers;
    return refusal(KIND_STATUS[error.kind], body);
  }
  if (error instanceof WrongExpectedRevision) {
    return refusal(409, {
      error: 'conflict',
      code: 'STALE_REVISION',
      message: "Quelqu'un a modifié ces données entre-temps. Rechargez la page et recommencez.",
    });
  }
  if (error instanceof HashingBusy) {
    return refusal(503, { error: 'unavailable', code: 'LOGIN_BUSY', message: LOGIN_BUSY }, { 'Retry-After': String(error.retryAfterSeconds) });
  }
  if (error instanceof ProjectionsBehind) {
    // The events are durable; only the pages lag. Saying so keeps a retry from recording it twice.
    return { status: 503, body: { ...RECORDED_DISPLAY_LATE }, headers: { 'Retry-After': '5' }, unexpected: true };
  }
  if (isDiskFull(error)) return { status: 503, body: { ...DISK_FULL }, headers: { 'Retry-After': '30' }, unexpected: true };
  if (error instanceof StoreUnavailable) {
    return { status: 503, body: byStatus(503), headers: { 'Retry-After': '5' }, unexpected: true };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    return { status, body: isErrorBody(response) ? response : byStatus(status), headers: {}, unexpected: status >= 500 };
  }
  const parserError = describeParserError(error);
  if (parserError) return parserError;
  return { status: 500, body: { ...INTERNAL }, headers: {}, unexpected: true };
}

/** body-parser (and raw-body) errors carry a `type` and a 4xx `status`. */
function describeParserError(error: unknown): DescribedError | null {
  const e = error as { type?: unknown; status?: unknown; expose?: unknown } | null;
  if (!e || typeof e !== 'object' || typeof e.status !== 'number' || e.status < 400 || e.status >= 500) return null;
  switch (e.type) {
    case 'entity.parse.failed':
      return refusal(400, { error: 'invalid', code: 'MALFORMED_JSON', message: "Le contenu envoyé n'est pas un JSON valide." });
    case 'entity.too.large':
      return refusal(413, {
        error: 'payload_too_large',
        code: 'PAYLOAD_TOO_LARGE',
        message: 'Le contenu envoyé dépasse la taille autorisée (1 Mo).',
      });
    case 'parameters.too.many':
      return refusal(413, { error: 'payload_too_large', code: 'PAYLOAD_TOO_LARGE', message: 'Le formulaire envoyé contient trop de champs.' });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return refusal(415, {
        error: 'unsupported_media_type',
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: "L'encodage du contenu envoyé n'est pas accepté (UTF-8 attendu).",
      });
    default:
      return e.expose === true ? refusal(e.status, byStatus(e.status)) : null;
  }
}

/** A person's browser (navigation, form post) rather than the JSON API. */
export function isPageRequest(req: Request): boolean {
  return !req.path.startsWith('/api/') && req.path !== '/api' && (req.headers.accept ?? '').includes('text/html');
}

const PAGE_TITLES: Record<number, string> = {
  400: 'Demande invalide',
  401: 'Connexion nécessaire',
  403: 'Accès refusé',
  404: 'Page introuvable',
  409: 'Conflit de modification',
  413: 'Envoi trop volumineux',
  429: 'Trop de tentatives',
  503: 'Service indisponible',
};

/** A voucher over the upload limit (MAX_ATTACHMENT_SIZE), said in the words of the form. */
const VOUCHER_TOO_LARGE = `Le fichier dépasse ${MAX_ATTACHMENT_WORDS} : réduisez-le (une photo moins grande, un PDF compressé) puis joignez-le à nouveau.`;

/** The page the refused form was on (same site only), to go back to it. */
function pageBefore(req: Request): string | null {
  const referer = req.headers.referer;
  if (typeof referer === 'string') {
    try {
      const url = new URL(referer);
      if (url.host === req.headers.host) return `${url.pathname}${url.search}`;
    } catch {
      // not a URL: no way back from it
    }
  }
  // A voucher's form is on its entry's page.
  return /\/pieces$/.test(req.path) ? req.path.replace(/\/pieces$/, '') : null;
}

export class ErrorResponder {
  private readonly logger = new Logger('HttpErrors');

  constructor(
    private readonly views: Views,
    private readonly writeFailures?: WriteFailures,
  ) {}

  send(req: Request, res: Response, error: unknown): void {
    const described = describeError(error);
    if (described.body.code === DISK_FULL.code) this.writeFailures?.seen();
    if (described.unexpected) {
      this.logger.error(`${req.method} ${req.originalUrl}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(described.headers)) res.setHeader(name, value);
    if (!isPageRequest(req)) {
      res.status(described.status).json(described.body);
      return;
    }
    if (described.status === 401 && req.method === 'GET') {
      res.redirect(303, '/login');
      return;
    }
    try {
      this.views.render(
        res,
        'error',
        {
          title: PAGE_TITLES[described.status] ?? (described.status >= 500 ? 'Erreur du service' : 'Demande refusée'),
          status: described.status,
          message: described.status === 413 && /\/pieces$/.test(req.path) ? VOUCHER_TOO_LARGE : described.body.message,
          loginLink: described.status === 401 || described.body.code === 'CSRF',
          back: described.status === 401 ? null : pageBefore(req),
        },
        { status: described.status },
      );
    } catch (renderError) {
      this.logger.error(`error page failed: ${renderError instanceof Error ? renderError.stack : String(renderError)}`);
      res.status(described.status).type('text/plain; charset=utf-8').send(described.body.message);
    }
  }
}

/** Every error thrown from a route, guard or pipe. */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly responder: ErrorResponder;

  constructor(views: Views, writeFailures?: WriteFailures) {
    this.responder = new ErrorResponder(views, writeFailures);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.responder.send(http.getRequest<Request>(), http.getResponse<Response>(), exception);
  }
}

/** Errors of the Express middleware placed before the routes (body parsers, session, CSRF). */
export function middlewareErrorHandler(views: Views, writeFailures?: WriteFailures): ErrorRequestHandler {
  const responder = new ErrorResponder(views, writeFailures);
  // Four parameters: that is how Express recognises an error handler.
  return (error: unknown, req, res, _next) => responder.send(req, res, error);
}
