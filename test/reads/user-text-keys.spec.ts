import { defaultChart } from '../../src/domain/chart';
import { pupilsOf, validNumbers } from '../../src/domain/membership';
import { actionPayments, paymentChoices, type PaymentRow } from '../../src/reads/payments';
import { actionReport, actionsView, advancesView, crfView, gridView } from '../../src/reads/ledger-views';
import { content, credit, debit, TestLog } from '../projections/ledger/support';

/**
 * User text is never the key of a plain object: a régie, an action, a PJ or a label named like
 * an object's property ("__proto__" sets a prototype, "constructor" reads a function) is a name
 * like any other — nothing lost, nothing merged.
 */
const chart = defaultChart('14', 2024);
const NAMES = ['__proto__', 'constructor', 'toString', 'CM1'];

function yearWithNames(): TestLog {
  const log = new TestLog();
  log.append(2024, { type: 'OpeningBalanceDeclared', data: { bank: 100000, cash: 5000, date: '2024-09-01' } });
  NAMES.forEach((name, i) => {
    const euros = 10 * (i + 1);
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: `paid-${i}`, ...content(name, `2024-10-0${i + 1}`, name, [debit('4670', euros, name), credit('512', euros)]) },
    });
    log.append(2024, {
      type: 'EntryRecorded',
      data: { entryId: `explained-${i}`, ...content(`${i}-b`, `2024-11-0${i + 1}`, name, [debit('6181', euros - 1), credit('4670', euros - 1, name)]) },
    });
    log.append(2024, {
      type: 'EntryRecorded',
      data: {
        entryId: `sold-${i}`,
        ...content(`${i}-c`, `2024-12-0${i + 1}`, name, [debit('512', euros), credit('7078', euros)], { actionA: name, actionB: name }),
      },
    });
  });
  return log;
}

describe('user text as names, never as plain keys', () => {
  it('each régie named "__proto__", "constructor" or "toString" keeps its own balance in the advances and the CRF', () => {
    const doc = yearWithNames().notebook(2024);
    const expected = NAMES.map((regie, i) => ({ regie, paid: 1000 * (i + 1), explained: 1000 * (i + 1) - 100, balance: 100 }));
    const shown = (rows: ReadonlyArray<{ regie: string; paid: number; explained: number; balance: number }>) =>
      [...rows]
        .map(({ regie, paid, explained, balance }) => ({ regie, paid, explained, balance }))
        .sort((a, b) => NAMES.indexOf(a.regie) - NAMES.indexOf(b.regie));
    expect(shown(advancesView(doc))).toEqual(expected);
    expect(shown(crfView(doc, chart).advances)).toEqual(expected);
  });

  it('each action named so has its own totals and its own report', () => {
    const doc = yearWithNames().notebook(2024);
    const actions = actionsView(doc, chart);
    for (const [i, name] of NAMES.entries()) {
      expect(actions.filter((a) => a.name === name)).toEqual([expect.objectContaining({ name, totalIn: 1000 * (i + 1), totalOut: 0 })]);
      expect(actionReport(doc, chart, name)?.rows.map((r) => r.pj)).toEqual([`${i}-c`]);
    }
    expect(actionReport(doc, chart, 'hasOwnProperty')).toBeNull();
  });

  it('each PJ named so is one row of the grid, in both orders', () => {
    const doc = yearWithNames().notebook(2024);
    for (const order of ['date', 'pj'] as const) {
      const pjs = gridView(doc, chart, { order }).rows.map((r) => r.pj);
      for (const name of NAMES) expect(pjs.filter((pj) => pj === name)).toHaveLength(1);
      expect(pjs).toHaveLength(NAMES.length * 3);
    }
  });

  it('payers, classes and actions named so stay apart in the payments per action and the list’s choices', () => {
    const doc = yearWithNames().notebook(2024);
    const rows: PaymentRow[] = NAMES.map((name, i) => ({
      paymentId: `p${i}`,
      receiptNo: i + 1,
      depositId: null,
      date: '2024-12-10',
      payer: name,
      pupil: name,
      class: name,
      amount: 100 * (i + 1),
      mode: 'cash',
      chequeNo: null,
      bank: null,
      account: '7560',
      action: name,
    }));
    const perAction = actionPayments(rows, doc, chart);
    for (const [i, name] of NAMES.entries()) {
      expect(perAction.filter((a) => a.name === name)).toEqual([
        expect.objectContaining({ name, total: 100 * (i + 1), entriesIn: 1000 * (i + 1), payments: [expect.objectContaining({ payer: name })] }),
      ]);
    }
    const choices = paymentChoices(rows);
    expect([...choices.classes].sort()).toEqual([...NAMES].sort());
    expect([...choices.actions].sort()).toEqual([...NAMES].sort());
  });

  it('a membership’s classes named so are classes like any other, and naming one twice is refused', () => {
    const row = (name: string, pupils: number) => ({ name, level: 'CP', pupils, teachers: 1 });
    const numbers = validNumbers({ classes: NAMES.map((name, i) => row(name, i + 1)), otherAdults: 0, magazines: 0, voluntary: 0 } as never);
    expect(numbers.classes.map((c) => c.name)).toEqual(NAMES);
    expect(pupilsOf(numbers)).toBe(10);
    expect(() => validNumbers({ classes: [row('constructor', 1), row('constructor', 2)], otherAdults: 0, magazines: 0, voluntary: 0 } as never)).toThrow(
      expect.objectContaining({ code: 'CLASS_DUPLICATE' }),
    );
  });
});
