import { type BankItem, bankReconciliationAt } from '../../../src/domain/statements';

const item = (entryId: string, date: string, amount: number, clearedOn: string | null, carriedOver = false): BankItem => ({
  entryId,
  pj: entryId,
  date,
  label: `Écriture ${entryId}`,
  amount,
  clearedOn,
  carriedOver,
});

describe('état de rapprochement', () => {
  const book = {
    openingBank: 100000,
    items: [
      item('01', '2024-09-05', -23300, '2024-09-10'),
      item('02', '2024-09-20', 50000, null),
      item('03', '2024-09-25', -4500, '2024-10-04'),
      item('04', '2024-10-02', 12000, '2024-10-02'),
      item('P1', '2024-08-28', -3000, '2024-09-03', true),
      item('P2', '2024-08-30', 1500, null, true),
    ],
    statements: [
      // The bank had not yet seen last year's two items at the opening: 100000 + 3000 − 1500.
      { date: '2024-09-30', closingBalance: 101500 - 3000 - 23300 },
      { date: '2024-10-31', closingBalance: 101500 - 3000 - 23300 - 4500 + 12000 },
    ],
  };

  it('at a statement date: book balance − receipts not yet on a statement + payments not yet on a statement = the statement balance', () => {
    expect(bankReconciliationAt('2024-09-30', book)).toEqual({
      date: '2024-09-30',
      statementDate: '2024-09-30',
      statementBalance: 75200,
      bookBalance: 100000 - 23300 + 50000 - 4500,
      outstandingReceipts: [
        { entryId: 'P2', pj: 'P2', date: '2024-08-30', label: 'Écriture P2', amount: 1500 },
        { entryId: '02', pj: '02', date: '2024-09-20', label: 'Écriture 02', amount: 50000 },
      ],
      outstandingPayments: [{ entryId: '03', pj: '03', date: '2024-09-25', label: 'Écriture 03', amount: 4500 }],
      difference: 0,
    });
  });

  it('a difference when the statement does not agree', () => {
    expect(bankReconciliationAt('2024-10-31', { ...book, statements: [{ date: '2024-10-31', closingBalance: 82000 }] }).difference).toBe(-700);
  });

  it('an item seen on a later statement is outstanding at an earlier date', () => {
    const october = bankReconciliationAt('2024-10-31', book);
    expect(october.outstandingPayments).toEqual([]);
    expect(october.difference).toBe(0);
  });

  it('without a statement on or before the date: no balance, no difference', () => {
    expect(bankReconciliationAt('2024-09-15', book)).toMatchObject({ statementDate: null, statementBalance: null, difference: null, bookBalance: 76700 });
  });
});
