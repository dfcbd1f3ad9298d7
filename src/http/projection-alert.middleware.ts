import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Projector } from '../projections/projector';
import { PROJECTOR } from '../tokens';

/**
 * A projection stopped at an event it cannot fold: every page says so (res.locals, shown by the
 * layout), so nobody trusts figures that have stopped moving. /health gives the details. Asked
 * of the projector's memory, never of the event store, on every page.
 */
@Injectable()
export class ProjectionAlert implements NestMiddleware {
  constructor(@Inject(PROJECTOR) private readonly projector: Projector) {}

  use(req: Request, res: Response, next: NextFunction): void {
    if (req.method === 'GET' && !req.path.startsWith('/api/') && !req.path.startsWith('/assets/')) {
      const failed = this.projector.stopped();
      if (failed.length > 0) {
        const where = failed.map((p) => `« ${p.name} »${p.failedAt ? ` (événement n° ${p.failedAt.position}, ${p.failedAt.type})` : ''}`).join(', ');
        res.locals.projectionAlert =
          `Une partie des tableaux est arrêtée : lecture ${where} bloquée. Les chiffres affichés peuvent être en retard ; ` +
          "aucune écriture n'est perdue et l'équipe technique doit corriger puis redémarrer le service.";
      }
    }
    next();
  }
}
