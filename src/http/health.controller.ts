import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EventStore } from '../events/event-store';
import { Projector } from '../projections/projector';
import { ReadStore } from '../projections/read-store';
import { AccountStore } from '../users/account-store';
import { ACCOUNT_STORE, EVENT_STORE, PROJECTOR, READ_STORE } from '../tokens';
import { VoucherStore } from './voucher-store';
import { WriteFailures } from './write-failures';

/** Store reachability, whether writes succeed, each projection's position and lag; 503 when something is wrong. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(ACCOUNT_STORE) private readonly accountStore: AccountStore,
    @Inject(PROJECTOR) private readonly projector: Projector,
    private readonly vouchers: VoucherStore,
    private readonly writeFailures: WriteFailures,
  ) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    const [events, reads, accounts, probe] = await Promise.all([
      reachable(this.eventStore.ping()),
      reachable(this.readStore.ping()),
      reachable(this.accountStore.ping()),
      reachable(this.vouchers.probeWrite()),
    ]);
    const projections = await this.projector.status();
    // Writes fail when a file cannot be written in DATA_DIR, or when a request was refused for lack of room lately.
    const diskFullAt = this.writeFailures.recent();
    const writes = !probe.ok ? probe : diskFullAt ? { ok: false, error: `disque plein (dernier refus ${diskFullAt})` } : { ok: true };
    const ok = events.ok && reads.ok && accounts.ok && writes.ok && projections.every((p) => p.status === 'running');
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      eventStore: { engine: this.eventStore.engine, ...events },
      readStore: { engine: this.readStore.engine, ...reads },
      accountStore: { engine: this.accountStore.engine, ...accounts },
      writes,
      projections,
      // One instance projects at a time; the others serve requests and wait for its checkpoints.
      projector: { active: this.projector.active },
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
