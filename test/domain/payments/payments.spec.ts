import { type LedgerEvent } from '../../../src/events/ledger-events';
import { type PaymentContent, type PaymentRecorded } from '../../../src/events/payment-events';
import { content, ledgerSpec, receipt, recorded, run } from '../ledger-fixtures';

const cheque = (more: Partial<PaymentContent> = {}): PaymentContent => ({
  date: '2024-10-01',
  payer: 'Famille Martin',
  pupil: 'Léa Martin',
  class: 'CE1',
  amount: 1500,
  mode: 'cheque',
  chequeNo: '1234567',
  bank: 'Crédit Agricole',
  account: '7560',
  action: 'Sortie zoo',
  ...more,
});
const cash = (more: Partial<PaymentContent> = {}): PaymentContent => cheque({ mode: 'cash', chequeNo: null, bank: null, ...more });
const paid = (paymentId: string, receiptNo: number, c: PaymentContent): LedgerEvent => ({ type: 'PaymentRecorded', data: { paymentId, receiptNo, ...c } });
const deposited = (depositId: string, entryId: string, paymentIds: string[], total: number, more: Record<string, unknown> = {}): LedgerEvent => ({
  type: 'PaymentsDeposited',
  data: { depositId, depositNo: 1, date: '2024-10-10', mode: 'cheque', paymentIds, total, entryId, fromCashBox: false, lines: [], ...more },
});

describe('recording a family payment', () => {
  it('gives it the next receipt number of the year, its account 7560 unless told', () => {
    ledgerSpec
      .given([paid('p1', 1, cheque())])
      .when({
        type: 'RecordPayment',
        paymentId: 'p2',
        payment: { date: '02/10/2024', payer: ' Famille Durand ', amount: 2000, mode: 'cheque', chequeNo: '99', class: 'CM2', action: 'Sortie zoo' },
      })
      .then([
        paid('p2', 2, {
          date: '2024-10-02',
          payer: 'Famille Durand',
          pupil: null,
          class: 'CM2',
          amount: 2000,
          mode: 'cheque',
          chequeNo: '99',
          bank: null,
          account: '7560',
          action: 'Sortie zoo',
        }),
      ]);
  });

  it('never gives a receipt number twice, even after a deletion', () => {
    const { events } = run([
      { type: 'RecordPayment', paymentId: 'p1', payment: cheque() },
      { type: 'RecordPayment', paymentId: 'p2', payment: cheque() },
      { type: 'DeletePayment', paymentId: 'p2' },
      { type: 'RecordPayment', paymentId: 'p3', payment: cash() },
    ]);
    const numbers = events.filter((e) => e.type === 'PaymentRecorded').map((e) => (e.data as PaymentRecorded).receiptNo);
    expect(numbers).toEqual([1, 2, 3]);
  });

  it('collects every error at once: PAYER_REQUIRED, AMOUNT_INVALID, MODE_INVALID, DATE_OUTSIDE_YEAR', () => {
    const error = ledgerSpec
      .given([])
      .when({ type: 'RecordPayment', paymentId: 'p1', payment: { date: '2024-08-31', payer: '  ', amount: 12.5, mode: 'card' } })
      .thenThrows('PAYER_REQUIRED');
    expect(error.errors!.map((e) => [e.code, e.field])).toEqual([
      ['DATE_OUTSIDE_YEAR', 'date'],
      ['PAYER_REQUIRED', 'payer'],
      ['AMOUNT_INVALID', 'amount'],
      ['MODE_INVALID', 'mode'],
    ]);
  });

  it('asks the number of a cheque (CHEQUE_NO_REQUIRED), and forgets a cheque number given with cash', () => {
    ledgerSpec
      .given([])
      .when({ type: 'RecordPayment', paymentId: 'p1', payment: cheque({ chequeNo: null }) })
      .thenThrows('CHEQUE_NO_REQUIRED');
    ledgerSpec
      .given([])
      .when({ type: 'RecordPayment', paymentId: 'p1', payment: cash({ chequeNo: '1234567', bank: 'CIC' }) })
      .then([paid('p1', 1, cash())]);
  });

  it('credits a product account only (ACCOUNT_NOT_PRODUCT, UNKNOWN_ACCOUNT)', () => {
    ledgerSpec
      .given([])
      .when({ type: 'RecordPayment', paymentId: 'p1', payment: cheque({ account: '6181' }) })
      .thenThrows('ACCOUNT_NOT_PRODUCT');
    ledgerSpec
      .given([])
      .when({ type: 'RecordPayment', paymentId: 'p1', payment: cheque({ account: '7999' }) })
      .thenThrows('UNKNOWN_ACCOUNT');
  });

  it('refuses a payment of a closed year (YEAR_CLOSED)', () => {
    const closed: LedgerEvent = { type: 'YearClosed', data: { closedOn: '2025-09-02', bank: 0, cash: 0, result: 0, openAdvances: [], unreconciled: [] } };
    ledgerSpec.given([closed]).when({ type: 'RecordPayment', paymentId: 'p1', payment: cheque() }).thenThrows('YEAR_CLOSED');
  });
});

describe('amending and deleting a payment', () => {
  it('amends the content, keeping its receipt number; the same content changes nothing', () => {
    ledgerSpec
      .given([paid('p1', 1, cheque())])
      .when({ type: 'AmendPayment', paymentId: 'p1', payment: cheque({ amount: 1800 }) })
      .then([{ type: 'PaymentAmended', data: { paymentId: 'p1', ...cheque({ amount: 1800 }), previous: cheque() } }]);
    ledgerSpec
      .given([paid('p1', 1, cheque())])
      .when({ type: 'AmendPayment', paymentId: 'p1', payment: cheque() })
      .thenNothingHappens();
  });

  it('deletes a payment not deposited; an unknown or deleted one is PAYMENT_NOT_FOUND', () => {
    ledgerSpec
      .given([paid('p1', 1, cheque())])
      .when({ type: 'DeletePayment', paymentId: 'p1' })
      .then([{ type: 'PaymentDeleted', data: { paymentId: 'p1', previous: cheque() } }]);
    const deleted: LedgerEvent = { type: 'PaymentDeleted', data: { paymentId: 'p1', previous: cheque() } };
    ledgerSpec
      .given([paid('p1', 1, cheque()), deleted])
      .when({ type: 'DeletePayment', paymentId: 'p1' })
      .thenThrows('PAYMENT_NOT_FOUND');
    ledgerSpec.given([]).when({ type: 'AmendPayment', paymentId: '__proto__', payment: cheque() }).thenThrows('PAYMENT_NOT_FOUND');
  });

  it('refuses to amend or delete a deposited payment (PAYMENT_DEPOSITED, a conflict)', () => {
    const given = [paid('p1', 1, cheque()), deposited('d1', 'e1', ['p1'], 1500)];
    const error = ledgerSpec
      .given(given)
      .when({ type: 'AmendPayment', paymentId: 'p1', payment: cheque({ amount: 1 }) })
      .thenThrows('PAYMENT_DEPOSITED');
    expect(error.kind).toBe('conflict');
    ledgerSpec.given(given).when({ type: 'DeletePayment', paymentId: 'p1' }).thenThrows('PAYMENT_DEPOSITED');
  });
});

describe('a deposit slip', () => {
  const payments = [
    paid('p1', 1, cheque()),
    paid('p2', 2, cheque({ payer: 'Famille Durand', amount: 2000, chequeNo: '77' })),
    paid('p3', 3, cheque({ payer: 'Famille Petit', amount: 800, action: 'Photos', account: '7070', chequeNo: '78' })),
    paid('p4', 4, cheque({ payer: 'Famille Roux', amount: 500, action: null, chequeNo: '79' })),
    paid('p5', 5, cash({ payer: 'Famille Blanc', amount: 1000 })),
  ];

  it('records ONE entry (512 debit for the total, products credited per account) and marks the payments deposited, in one decision', () => {
    ledgerSpec
      .given(payments)
      .when({ type: 'DepositPayments', depositId: 'd1', entryId: 'e1', date: '2024-10-10', mode: 'cheque', paymentIds: ['p1', 'p2', 'p3', 'p4'] })
      .then([
        recorded(
          'e1',
          content('REM01', '2024-10-10', 'Remise en banque n° 1 – 4 chèques – Photos, Sortie zoo', [
            { account: '512', debit: 4800 },
            { account: '7070', credit: 800 },
            { account: '7560', credit: 4000 },
          ]),
        ),
        {
          type: 'PaymentsDeposited',
          data: {
            depositId: 'd1',
            depositNo: 1,
            date: '2024-10-10',
            mode: 'cheque',
            paymentIds: ['p1', 'p2', 'p3', 'p4'],
            total: 4800,
            entryId: 'e1',
            fromCashBox: false,
            // Per account and action: the action's part of a mixed deposit is kept here.
            lines: [
              { account: '7070', action: 'Photos', amount: 800 },
              { account: '7560', action: null, amount: 500 },
              { account: '7560', action: 'Sortie zoo', amount: 3500 },
            ],
          },
        },
      ]);
  });

  it('names the action on the entry when every payment shares it', () => {
    ledgerSpec
      .given(payments)
      .when({ type: 'DepositPayments', depositId: 'd1', entryId: 'e1', date: '2024-10-10', mode: 'cheque', paymentIds: ['p1', 'p2'] })
      .thenEvents(([entry]) => {
        expect(entry).toEqual(
          recorded(
            'e1',
            content(
              'REM01',
              '2024-10-10',
              'Remise en banque n° 1 – 2 chèques – Sortie zoo',
              [
                { account: '512', debit: 3500 },
                { account: '7560', credit: 3500 },
              ],
              { actionA: 'Sortie zoo' },
            ),
          ),
        );
      });
  });

  it('moves cash counted in the box first from 530, crediting no product', () => {
    ledgerSpec
      .given(payments)
      .when({ type: 'DepositPayments', depositId: 'd1', entryId: 'e1', date: '2024-10-10', mode: 'cash', paymentIds: ['p5'], fromCashBox: true })
      .thenEvents(([entry, deposit]) => {
        expect(entry.type === 'EntryRecorded' && entry.data.lines).toEqual([
          { account: '512', debit: 1000 },
          { account: '530', credit: 1000 },
        ]);
        expect(deposit.type === 'PaymentsDeposited' && deposit.data.fromCashBox).toBe(true);
      });
  });

  it('goes through the entry rules: a PJ already used is PJ_DUPLICATE; the default PJ takes a free one', () => {
    ledgerSpec
      .given([...payments, receipt('x', 'REM01', 100)])
      .when({ type: 'DepositPayments', depositId: 'd1', entryId: 'e1', date: '2024-10-10', mode: 'cheque', paymentIds: ['p1'], pj: 'REM01' })
      .thenThrows('PJ_DUPLICATE');
    ledgerSpec
      .given([...payments, receipt('x', 'REM01', 100)])
      .when({ type: 'DepositPayments', depositId: 'd1', entryId: 'e1', date: '2024-10-10', mode: 'cheque', paymentIds: ['p1'] })
      .thenEvents(([entry]) => expect(entry.type === 'EntryRecorded' && entry.data.pj).toBe('REM01A'));
  });

  it('takes payments of one mode, not deposited yet, dated on or before the slip', () => {
    const when = (paymentIds: string[], more: Record<string, unknown> = {}) =>
      ledgerSpec
        .given([...payments, deposited('d0', 'e0', ['p4'], 500)])
        .when({ type: 'DepositPayments', depositId: 'd1', entryId: 'e1', date: '2024-10-10', mode: 'cheque', paymentIds, ...more });
    when(['p1', 'p5']).thenThrows('DEPOSIT_MODE_MIXED');
    when(['p1', 'p4']).thenThrows('PAYMENT_DEPOSITED');
    when(['p1', 'nope']).thenThrows('PAYMENT_NOT_FOUND');
    when([]).thenThrows('DEPOSIT_EMPTY');
    when(['p1'], { date: '2024-09-30' }).thenThrows('DEPOSIT_BEFORE_PAYMENT');
    when(['p1'], { fromCashBox: true }).thenThrows('MODE_INVALID');
    when(['p1'], { mode: 'virement' }).thenThrows('MODE_INVALID');
  });

  it('numbers slips 1, 2, 3… in the year', () => {
    const { events } = run([
      { type: 'RecordPayment', paymentId: 'p1', payment: cheque() },
      { type: 'RecordPayment', paymentId: 'p2', payment: cheque() },
      { type: 'DepositPayments', depositId: 'd1', entryId: 'e1', date: '2024-10-10', mode: 'cheque', paymentIds: ['p1'] },
      { type: 'DepositPayments', depositId: 'd2', entryId: 'e2', date: '2024-10-11', mode: 'cheque', paymentIds: ['p2'] },
    ]);
    const slips = events.flatMap((e) => (e.type === 'PaymentsDeposited' ? [[e.data.depositNo, e.data.entryId]] : []));
    expect(slips).toEqual([
      [1, 'e1'],
      [2, 'e2'],
    ]);
    const pjs = events.flatMap((e) => (e.type === 'EntryRecorded' ? [e.data.pj] : []));
    expect(pjs).toEqual(['REM01', 'REM02']);
  });

  it('is cancelled when its entry is deleted: the payments wait for another deposit', () => {
    const { events, state } = run([
      { type: 'RecordPayment', paymentId: 'p1', payment: cheque() },
      { type: 'DepositPayments', depositId: 'd1', entryId: 'e1', date: '2024-10-10', mode: 'cheque', paymentIds: ['p1'] },
      { type: 'DeleteEntry', entryId: 'e1' },
      { type: 'AmendPayment', paymentId: 'p1', payment: cheque({ amount: 1600 }) },
    ]);
    expect(events.map((e) => e.type)).toEqual(['PaymentRecorded', 'EntryRecorded', 'PaymentsDeposited', 'EntryDeleted', 'DepositCancelled', 'PaymentAmended']);
    expect(state.payments.payments.p1.depositId).toBeNull();
  });

  describe("its entry keeps the slip's date and amounts", () => {
    const { events } = run([
      { type: 'RecordPayment', paymentId: 'p1', payment: cheque() },
      { type: 'DepositPayments', depositId: 'd1', entryId: 'e1', date: '2024-10-10', mode: 'cheque', paymentIds: ['p1'] },
    ]);
    const entry = events.find((e) => e.type === 'EntryRecorded')!.data as { pj: string; label: string };
    const amended = (more: Record<string, unknown>) => ({
      type: 'AmendEntry' as const,
      entryId: 'e1',
      entry: {
        pj: entry.pj,
        date: '2024-10-10',
        label: entry.label,
        chequeNo: null,
        actionA: 'Sortie zoo',
        actionB: null,
        lines: [
          { account: '512', debit: 1500 },
          { account: '7560', credit: 1500 },
        ],
        ...more,
      },
    });

    it('refuses another amount or date (DEPOSIT_ENTRY, a conflict)', () => {
      const error = ledgerSpec
        .given(events)
        .when(
          amended({
            lines: [
              { account: '512', debit: 1600 },
              { account: '7560', credit: 1600 },
            ],
          }),
        )
        .thenThrows('DEPOSIT_ENTRY');
      expect(error.kind).toBe('conflict');
      expect(error.message).toContain('remise en banque n° 1');
      ledgerSpec
        .given(events)
        .when(amended({ date: '2024-10-11' }))
        .thenThrows('DEPOSIT_ENTRY');
    });

    it('takes another label, PJ or action', () => {
      ledgerSpec
        .given(events)
        .when(amended({ label: 'Remise des chèques de la sortie', pj: 'R1' }))
        .then([expect.objectContaining({ type: 'EntryAmended', data: expect.objectContaining({ label: 'Remise des chèques de la sortie', pj: 'R1' }) })]);
    });
  });
});
