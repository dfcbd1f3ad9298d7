import { proposeMatches } from '../../../src/domain/statements';
import { type LedgerEvent } from '../../../src/events/ledger-events';
import { type PaymentContent } from '../../../src/events/payment-events';
import { run } from '../ledger-fixtures';

const cheque = (payer: string, amount: number, chequeNo: string): PaymentContent => ({
  date: '2024-10-01',
  payer,
  pupil: null,
  class: 'CE1',
  amount,
  mode: 'cheque',
  chequeNo,
  bank: null,
  account: '7560',
  action: 'Sortie zoo',
});

/** The deposit's entry as the matcher sees a bank item: its signed amount on 512. */
const candidateOf = (event: LedgerEvent) => {
  if (event.type !== 'EntryRecorded') throw new Error('not an entry');
  const d = event.data;
  return { entryId: d.entryId, date: d.date, label: d.label, chequeNo: d.chequeNo, amount: d.lines.find((l) => l.account === '512')!.debit! };
};

describe("matching a deposit's bank line", () => {
  const { events } = run([
    { type: 'RecordPayment', paymentId: 'p1', payment: cheque('Famille Martin', 1500, '11') },
    { type: 'RecordPayment', paymentId: 'p2', payment: cheque('Famille Durand', 1500, '12') },
    { type: 'RecordPayment', paymentId: 'p3', payment: cheque('Famille Petit', 1500, '13') },
    { type: 'DepositPayments', depositId: 'd1', entryId: 'dep', date: '2024-10-10', mode: 'cheque', paymentIds: ['p1', 'p2', 'p3'] },
  ]);
  const deposit = candidateOf(events.find((e) => e.type === 'EntryRecorded')!);
  const other = { entryId: 'x', date: '2024-10-02', label: 'Vente de gâteaux', chequeNo: null, amount: 1500 };

  it('proposes the one deposit entry for the one bank line of the same amount, dated on or after the slip', () => {
    const line = { lineId: 'L1', date: '2024-10-14', label: 'REMISE CHEQUES 0000123', amount: 4500, chequeNo: null };

    expect(proposeMatches([line], [other, deposit])).toEqual([{ lineId: 'L1', entryIds: ['dep'] }]);
  });

  it('proposes it on the slip day itself, never for a line dated before the slip', () => {
    const sameDay = { lineId: 'L1', date: '2024-10-10', label: 'REMISE CHEQUES', amount: 4500, chequeNo: null };
    const before = { lineId: 'L2', date: '2024-10-09', label: 'REMISE CHEQUES', amount: 4500, chequeNo: null };

    expect(proposeMatches([sameDay], [deposit])).toEqual([{ lineId: 'L1', entryIds: ['dep'] }]);
    expect(proposeMatches([before], [deposit])).toEqual([]);
  });

  it('does not propose it for a line of another amount (one cheque of the slip)', () => {
    const oneCheque = { lineId: 'L1', date: '2024-10-14', label: 'REMISE CHEQUE', amount: 1500, chequeNo: null };

    expect(proposeMatches([oneCheque], [deposit])).toEqual([]);
  });
});
