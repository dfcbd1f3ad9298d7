import { balances } from '../../src/domain/ledger';
import { type LedgerEvent } from '../../src/events/ledger-events';
import { CLOSING_DAY, content, env, fold, ledgerSpec, recorded, reconciled } from './ledger-fixtures';

/**
 * Validated books (DOMAIN.md, "Validated books"): closing validates every entry; in a year the AD
 * reopened, amending or deleting a validated entry is recorded as a correction — its reversal and,
 * for an amendment, the corrected entry — never as a change in place.
 */
const photos = content('020', '2025-04-25', 'Ventes de photos', [
  { account: '512', debit: 32000 },
  { account: '7070', credit: 32000 },
]);
const gift = content('021', '2025-05-02', 'Don en nature', [
  { account: '6181', debit: 5000 },
  { account: '7580', credit: 5000 },
]);
const closed: LedgerEvent[] = [
  { type: 'YearClosed', data: { closedOn: CLOSING_DAY, bank: 32000, cash: 0, result: 32000, openAdvances: [], unreconciled: [] } },
  { type: 'EntriesValidated', data: { validatedOn: CLOSING_DAY, entryIds: ['e1', 'e2'] } },
];
const reopened: LedgerEvent[] = [
  recorded('e1', photos),
  reconciled('e1'),
  recorded('e2', gift),
  ...closed,
  { type: 'YearUnlocked', data: { reason: 'Erreur' } },
];
const corrected = { ...gift, label: 'Don en nature – livres', lines: [gift.lines[0], { account: '7580', credit: 5000 }] };

describe('a validated entry in a reopened year', () => {
  it('amended: its reversal (own PJ, "Annulation de l\'écriture n° …", lines swapped) and the corrected entry, which takes its PJ', () => {
    ledgerSpec
      .given(reopened)
      .when({ type: 'AmendEntry', entryId: 'e2', entry: { ...corrected } })
      .then([
        {
          type: 'EntryRecorded',
          data: {
            entryId: 'e2-annulation',
            ...content('021-A', '2025-05-02', "Annulation de l'écriture n° 021", [
              { account: '6181', credit: 5000 },
              { account: '7580', debit: 5000 },
            ]),
            reverses: 'e2',
          },
        },
        { type: 'EntryRecorded', data: { entryId: 'e2-correction', ...corrected, replaces: 'e2' } },
      ]);
  });

  it('deleted: its reversal alone; the totals count the net effect', () => {
    ledgerSpec
      .given(reopened)
      .when({ type: 'DeleteEntry', entryId: 'e2' })
      .thenEvents((events) => {
        expect(events.map((e) => [e.type, 'entryId' in e.data ? e.data.entryId : null])).toEqual([['EntryRecorded', 'e2-annulation']]);
        const state = fold([...reopened, ...events]);
        expect(state.entries.e2.deleted).toBe(false);
        expect(state.entries.e2.reversedBy).toBe('e2-annulation');
        expect(state.totals['6181']).toEqual({ debit: 5000, credit: 5000 });
      });
  });

  it('a reconciled one amended keeps its pointage on the reversal, and on the corrected entry while its bank amount is the same', () => {
    ledgerSpec
      .given(reopened)
      .when({ type: 'AmendEntry', entryId: 'e1', entry: { ...photos, label: 'Photos de classe' } })
      .thenEvents((events) => {
        expect(events.map((e) => e.type)).toEqual(['EntryRecorded', 'EntryReconciled', 'EntryRecorded', 'EntryReconciled']);
        const state = fold([...reopened, ...events]);
        expect(balances(state, env).bank).toBe(32000);
        expect(Object.values(state.entries).filter((e) => e.reconciled)).toHaveLength(3);
      });
  });

  it('is never changed again: amending or deleting it, or its reversal, is refused; the corrected entry changes in place until the next closing', () => {
    const amended = fold(reopened);
    const events: LedgerEvent[] = [
      {
        type: 'EntryRecorded',
        data: { entryId: 'e2-annulation', ...content('021-A', '2025-05-02', "Annulation de l'écriture n° 021", []), reverses: 'e2' },
      },
      { type: 'EntryRecorded', data: { entryId: 'e2-correction', ...corrected, replaces: 'e2' } },
    ];
    expect(amended.entries.e2.validatedOn).toBe(CLOSING_DAY);
    const after = [...reopened, ...events];
    ledgerSpec
      .given(after)
      .when({ type: 'AmendEntry', entryId: 'e2', entry: { ...gift } })
      .thenThrows('ENTRY_CORRECTED');
    ledgerSpec.given(after).when({ type: 'DeleteEntry', entryId: 'e2' }).thenThrows('ENTRY_CORRECTED');
    ledgerSpec.given(after).when({ type: 'DeleteEntry', entryId: 'e2-annulation' }).thenThrows('ENTRY_IS_REVERSAL');
    ledgerSpec
      .given(after)
      .when({ type: 'AmendEntry', entryId: 'e2-correction', entry: { ...corrected, label: 'Livres' } })
      .thenEvents((produced) => expect(produced.map((e) => e.type)).toEqual(['EntryAmended']));
  });

  it('an entry of a year never closed is not validated: it changes in place', () => {
    ledgerSpec
      .given([recorded('e2', gift)])
      .when({ type: 'DeleteEntry', entryId: 'e2' })
      .thenEvents((events) => expect(events.map((e) => e.type)).toEqual(['EntryDeleted']));
  });
});
