import { type EntryContent, type LedgerEvent } from '../../events/ledger-events';
import { evolvePayments } from '../payments/state';
import { putAt, valueAt } from '../text-keys';
import { ClosingTallyDraft } from './closing/facts';
import { type EntryState, type LedgerState, type Movement } from './types';
import { evolveYearEnd } from './year-end/year-end';

/**
 * Folding events into the state. Pure from the outside: neither function mutates its input, so
 * a cached state can be shared. Never throws on a history the decider produced.
 *
 * Copying every container of the state for each event would make a long year's fold quadratic,
 * so both functions write into a draft that copies a container the first time it is touched:
 * once per event for evolve, once per fold for foldLedger. Entry objects are replaced, never
 * changed, since the copies are shallow.
 */
export function evolve(state: LedgerState, event: LedgerEvent): LedgerState {
  const draft = new Draft(state);
  draft.apply(event);
  return draft.state;
}

/** The same as events.reduce(evolve, state), in linear time. */
export function foldLedger(state: LedgerState, events: Iterable<LedgerEvent>): LedgerState {
  const draft = new Draft(state);
  for (const event of events) draft.apply(event);
  return draft.state;
}

/**
 * The same fold, written into `state` itself: for the one holder of a state no one else reads
 * (the command side's hot copy of a stream), where even one copy of a year's entries and PJs per
 * command is most of a command's work. Entry objects are still replaced, never changed.
 */
export function foldLedgerInto(state: LedgerState, events: Iterable<LedgerEvent>): LedgerState {
  const draft = new Draft(state, true);
  for (const event of events) draft.apply(event);
  return draft.state;
}

type Container =
  'entries' | 'pjs' | 'totals' | 'advances' | 'carriedOverSeen' | 'statements' | 'statementLines' | 'lineMatches' | 'cashCounts' | 'inventory' | 'activities';

class Draft {
  readonly state: LedgerState;
  private readonly owned = new Set<Container>();
  private readonly closingTally: ClosingTallyDraft;

  constructor(
    state: LedgerState,
    private readonly inPlace = false,
  ) {
    this.state = inPlace ? state : { ...state };
    this.closingTally = new ClosingTallyDraft(state.closingTally, inPlace);
    this.state.closingTally = this.closingTally.tally;
  }

  private own<K extends Container>(key: K): LedgerState[K] {
    if (!this.inPlace && !this.owned.has(key)) {
      const container = this.state[key];
      this.state[key] = (Array.isArray(container) ? [...container] : { ...container }) as LedgerState[K];
      this.owned.add(key);
    }
    return this.state[key];
  }

  private updateEntry(entryId: string, change: Partial<EntryState>): void {
    const entries = this.own('entries');
    entries[entryId] = { ...entries[entryId], ...change };
  }

  apply(event: LedgerEvent): void {
    const s = this.state;
    s.version += 1;
    this.closingTally.apply(event);
    switch (event.type) {
      case 'OpeningBalanceDeclared':
        s.opening = { ...event.data };
        return;
      case 'EntryRecorded': {
        const { entryId, duplicatedFrom, reverses, replaces, ...content } = event.data;
        this.own('entries')[entryId] = {
          entryId,
          content,
          revision: 1,
          reconciled: false,
          statementDate: null,
          clearedOn: null,
          lineId: null,
          deleted: false,
          duplicatedFrom: duplicatedFrom ?? null,
          attachments: [],
          validatedOn: null,
          reverses: reverses ?? null,
          replaces: replaces ?? null,
          reversedBy: null,
          replacedBy: null,
        };
        // A reversal cancels its entry's PJ: the corrected entry takes it over.
        if (reverses) {
          this.updateEntry(reverses, { reversedBy: entryId });
          const cancelled = s.entries[reverses].content.pj;
          if (s.pjs[cancelled] === reverses) delete this.own('pjs')[cancelled];
        }
        if (replaces) this.updateEntry(replaces, { replacedBy: entryId });
        this.moveContent(entryId, null, content);
        return;
      }
      case 'EntryAmended': {
        const { entryId, previous: _previous, ...content } = event.data;
        const entry = s.entries[entryId];
        this.updateEntry(entryId, { content, revision: entry.revision + 1 });
        this.moveContent(entryId, entry.content, content);
        return;
      }
      case 'EntryDeleted': {
        const entry = s.entries[event.data.entryId];
        this.unmatch(entry.entryId, entry.lineId);
        this.updateEntry(entry.entryId, { deleted: true });
        this.moveContent(entry.entryId, entry.content, null);
        return;
      }
      case 'EntryReconciled': {
        const { entryId, statementDate, lineId, clearedOn } = event.data;
        this.updateEntry(entryId, {
          reconciled: true,
          statementDate,
          clearedOn: clearedOn ?? statementDate ?? s.entries[entryId].content.date,
          lineId: lineId ?? null,
        });
        if (lineId) this.match(entryId, lineId);
        return;
      }
      case 'EntryUnreconciled':
        this.unmatch(event.data.entryId, s.entries[event.data.entryId].lineId);
        this.updateEntry(event.data.entryId, { reconciled: false, statementDate: null, clearedOn: null, lineId: null });
        return;
      case 'CarriedOverItemSeen':
        this.own('carriedOverSeen')[event.data.entryId] = event.data.statementDate;
        if (event.data.lineId) this.match(event.data.entryId, event.data.lineId);
        return;
      case 'CarriedOverItemUnseen': {
        const { entryId } = event.data;
        const line = Object.keys(s.lineMatches).find((lineId) => s.lineMatches[lineId].includes(entryId));
        this.unmatch(entryId, line ?? null);
        delete this.own('carriedOverSeen')[entryId];
        return;
      }
      case 'StatementDeclared':
        this.own('statements')[event.data.statementId] = { ...event.data, file: null, lines: [], seq: s.version - 1 };
        return;
      case 'StatementImported': {
        const { statementId, date, closingBalance, file, lines } = event.data;
        this.own('statements')[statementId] = { statementId, date, closingBalance, file, lines, seq: s.version - 1 };
        const index = this.own('statementLines');
        for (const line of lines) index[line.lineId] = statementId;
        return;
      }
      case 'StatementDeleted': {
        const statements = this.own('statements');
        const gone = statements[event.data.statementId];
        delete statements[event.data.statementId];
        const index = this.own('statementLines');
        for (const line of gone?.lines ?? []) delete index[line.lineId];
        return;
      }
      case 'CashCounted':
        this.own('cashCounts').push({ ...event.data });
        return;
      case 'SubsidiesDeclared':
        s.subsidies = event.data.rows.map((r) => ({ ...r }));
        return;
      case 'InventoryItemAdded':
        this.own('inventory')[event.data.itemId] = { ...event.data, removed: false, leftOn: null };
        return;
      case 'InventoryItemRemoved': {
        const inventory = this.own('inventory');
        const { itemId, leftOn, carried } = event.data;
        const line = carried
          ? { itemId, designation: carried.designation, acquiredOn: carried.acquiredOn, quantity: carried.quantity, value: carried.value, pj: carried.pj }
          : inventory[itemId];
        inventory[itemId] = { ...line, removed: true, leftOn };
        return;
      }
      case 'VoucherAttached': {
        const { entryId, ...attachment } = event.data;
        this.updateEntry(entryId, { attachments: [...s.entries[entryId].attachments, attachment] });
        return;
      }
      case 'ActivityReported':
        putAt(this.own('activities'), event.data.activity, event.data.text);
        return;
      case 'YearClosed':
        s.status = 'closed';
        s.closing = { ...event.data };
        return;
      case 'EntriesValidated':
        for (const entryId of event.data.entryIds) if (s.entries[entryId]) this.updateEntry(entryId, { validatedOn: event.data.validatedOn });
        return;
      case 'YearUnlocked':
        s.status = 'unlocked';
        s.unlockReason = event.data.reason;
        s.yearEnd = evolveYearEnd(s.yearEnd, event);
        return;
      case 'YearLocked':
        // The corrected figures replace the closing ones; the first closing date stays.
        s.status = 'closed';
        s.unlockReason = null;
        s.closing = { closedOn: s.closing?.closedOn ?? '', ...event.data };
        return;
      case 'QuitusInvited':
      case 'QuitusGiven':
      case 'SubmissionDocumentAttached':
      case 'SubmissionSent':
      case 'SubmissionAccepted':
      case 'SubmissionReturned':
      case 'OpeningChangeSeen':
        s.yearEnd = evolveYearEnd(s.yearEnd, event);
        return;
      case 'PaymentRecorded':
      case 'PaymentAmended':
      case 'PaymentDeleted':
      case 'PaymentsDeposited':
      case 'DepositCancelled':
        s.payments = evolvePayments(s.payments, event);
        return;
    }
  }

  private match(entryId: string, lineId: string): void {
    const matches = this.own('lineMatches');
    matches[lineId] = [...(matches[lineId] ?? []), entryId];
  }

  private unmatch(entryId: string, lineId: string | null): void {
    if (!lineId || !this.state.lineMatches[lineId]) return;
    const matches = this.own('lineMatches');
    const rest = matches[lineId].filter((id) => id !== entryId);
    if (rest.length) matches[lineId] = rest;
    else delete matches[lineId];
  }

  /** Moves the totals, advances and PJ index from an entry's old content (if any) to its new one (if any). */
  private moveContent(entryId: string, before: EntryContent | null, after: EntryContent | null): void {
    const totals = this.own('totals');
    const advances = this.own('advances');
    const pjs = this.own('pjs');
    if (before) {
      for (const line of before.lines) {
        move(totals, line.account, line.debit, line.credit, -1);
        if (line.regie) move(advances, line.regie, line.debit, line.credit, -1);
      }
      if (valueAt(pjs, before.pj) === entryId) delete pjs[before.pj];
    }
    if (after) {
      for (const line of after.lines) {
        move(totals, line.account, line.debit, line.credit, 1);
        if (line.regie) move(advances, line.regie, line.debit, line.credit, 1);
      }
      putAt(pjs, after.pj, entryId);
    }
  }
}

function move(sums: Record<string, Movement>, key: string, debit: number | undefined, credit: number | undefined, sign: 1 | -1): void {
  const m = valueAt(sums, key) ?? { debit: 0, credit: 0 };
  putAt(sums, key, { debit: m.debit + sign * (debit ?? 0), credit: m.credit + sign * (credit ?? 0) });
}
