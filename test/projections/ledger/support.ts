import { type RecordedEvent } from '../../../src/events/envelope';
import { type EntryContent, type EntryLine, type LedgerEvent } from '../../../src/events/ledger-events';
import { ledgerStream } from '../../../src/events/streams';
import { notebookId } from '../../../src/projections/ledger/notebook.projection';
import { foldNotebooks, type NotebookDoc } from '../../../src/reads/notebook-read';

/**
 * A tiny in-memory log for reducer specs: events get their stream revision, a global position
 * and a server time one minute after the previous one (or the time given).
 */
export class TestLog {
  readonly events: RecordedEvent[] = [];
  private position = 0n;
  private clock = Date.parse('2024-09-02T08:00:00.000Z');
  private readonly revisions = new Map<string, number>();

  constructor(readonly coopId = 'ecole1') {}

  append(year: number, event: LedgerEvent, options: { actor?: string; at?: string } = {}): RecordedEvent {
    const stream = ledgerStream(this.coopId, year);
    const revision = (this.revisions.get(stream) ?? -1) + 1;
    this.revisions.set(stream, revision);
    this.clock = options.at ? Date.parse(options.at) : this.clock + 60_000;
    this.position += 1n;
    const recorded: RecordedEvent = {
      id: `evt-${this.position}`,
      type: event.type,
      data: event.data,
      stream,
      revision,
      position: this.position,
      metadata: {
        actor: options.actor ?? 'mandataire1',
        role: 'mandataire',
        at: new Date(this.clock).toISOString(),
        $correlationId: `cmd-${this.position}`,
        $causationId: `cmd-${this.position}`,
        schemaVersion: 1,
        prevHash: '',
        hash: '',
      },
    };
    this.events.push(recorded);
    return recorded;
  }

  notebook(year: number): NotebookDoc {
    const doc = foldNotebooks(this.events).get(notebookId(this.coopId, year));
    if (!doc) throw new Error(`no notebook for ${year}`);
    return doc;
  }
}

export const debit = (account: string, euros: number, regie?: string): EntryLine =>
  regie ? { account, debit: Math.round(euros * 100), regie } : { account, debit: Math.round(euros * 100) };
export const credit = (account: string, euros: number, regie?: string): EntryLine =>
  regie ? { account, credit: Math.round(euros * 100), regie } : { account, credit: Math.round(euros * 100) };

export const content = (
  pj: string,
  date: string,
  label: string,
  lines: EntryLine[],
  extra: Partial<Pick<EntryContent, 'chequeNo' | 'actionA' | 'actionB'>> = {},
): EntryContent => ({ pj, date, label, chequeNo: null, actionA: null, actionB: null, ...extra, lines });

/** The year of the guide, as events of ledger-ecole1-2024. */
export function guideYear(log: TestLog): void {
  log.append(2024, { type: 'OpeningBalanceDeclared', data: { bank: 100000, cash: 5000, date: '2024-09-01' } });
  log.append(2024, {
    type: 'EntryRecorded',
    data: {
      entryId: 'e-cotisation',
      ...content('01', '2024-09-10', 'OCCE 14 – Cotisation et assurance', [debit('6586', 212), debit('6168', 21), credit('512', 233)], { chequeNo: '1568001' }),
    },
  });
  log.append(2024, {
    type: 'EntryRecorded',
    data: {
      entryId: 'e-regie',
      ...content('02', '2024-10-01', "Virement Régie d'avance - Classe CPCE1", [debit('4670', 150, 'CP-CE1'), credit('512', 150)], { actionB: 'CP-CE1' }),
    },
  });
  log.append(2024, {
    type: 'EntryRecorded',
    data: { entryId: 'e-mairie', ...content('03', '2024-10-15', 'Mairie – Subvention', [debit('512', 500), credit('7410', 500)]) },
  });
  log.append(2024, {
    type: 'EntryRecorded',
    data: {
      entryId: 'e-photos-in',
      ...content('020', '2025-04-25', 'Ventes de photos scolaires aux familles', [debit('512', 320), credit('7070', 320)], { actionA: 'Photos' }),
    },
  });
  log.append(2024, {
    type: 'EntryRecorded',
    data: {
      entryId: 'e-photos-out',
      ...content('021', '2025-05-10', 'Photographe Fact. n°199200 - Photos', [debit('6070', 320), credit('512', 320)], {
        actionA: 'Photos',
        chequeNo: '1568965',
      }),
    },
  });
  log.append(2024, {
    type: 'EntryRecorded',
    data: {
      entryId: 'e-regie-retour',
      ...content('50', '2025-06-20', "Retour de régie d'avance - Classe CPCE1", [debit('512', 25), credit('4670', 25, 'CP-CE1')]),
    },
  });
  log.append(2024, {
    type: 'EntryRecorded',
    data: {
      entryId: 'e-regie-explique',
      ...content('62', '2025-06-25', "Régie d'avance expliquée - Classe CPCE1", [debit('6181', 125), credit('4670', 125, 'CP-CE1')], { actionB: 'CP-CE1' }),
    },
  });
  log.append(2024, {
    type: 'SubsidiesDeclared',
    data: { rows: [{ origin: 'Mairie', amount: 50000, date: '2024-10-15', designation: 'Projets de la coopérative scolaire', attachedToExpenses: 0 }] },
  });
}
