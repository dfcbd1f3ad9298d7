import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EventStore } from '../events/event-store';
import { Projector } from '../projections/projector';
import { ReadStore } from '../projections/read-store';
import { EVENT_STORE, PROJECTOR, READ_STORE } from '../tokens';

/** Store reachability and each projection's position and lag; 503 when something is wrong. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTOR) private readonly projector: Projector,
  ) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    const [events, reads] = await Promise.all([reachable(this.eventStore.ping()), reachable(this.readStore.ping())]);
    const projections = await this.projector.status();
    const ok = events.ok && reads.ok && projections.every((p) => p.status === 'running');
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      eventStore: { engine: this.eventStore.engine, ...events },
      readStore: { engine: this.readStore.engine, ...reads },
      projections,
    });
  }
}

async function reachable(ping: Promise<void>): Promise<{ ok: boolean; error?: string }> {
  try {
    await ping;
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
