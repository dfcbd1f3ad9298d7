import fc from 'fast-check';
import {
  CANDIDATES_PER_LINE,
  type LineToMatch,
  type MatchCandidate,
  labelLikeness,
  lineCandidates,
  lineIdsOf,
  proposeMatches,
  searchCandidates,
} from '../../../src/domain/statements';

const line = (lineId: string, date: string, amount: number, label = '', chequeNo: string | null = null): LineToMatch => ({
  lineId,
  date,
  label,
  amount,
  chequeNo,
});
const entry = (entryId: string, date: string, amount: number, label = '', chequeNo: string | null = null): MatchCandidate => ({
  entryId,
  date,
  label,
  amount,
  chequeNo,
});

describe('matching a statement line with the books', () => {
  it('proposes the entry of equal amount dated on or before the line, at most 60 days earlier', () => {
    const lines = [line('L1', '2025-03-10', -5000), line('L2', '2025-03-10', 2000), line('L3', '2025-03-10', 700)];
    const entries = [entry('late', '2025-03-11', -5000), entry('ok', '2025-01-09', -5000), entry('old', '2025-01-08', 2000), entry('other', '2025-03-01', 701)];
    expect(proposeMatches(lines, entries)).toEqual([{ lineId: 'L1', entryIds: ['ok'] }]);
  });

  it('a cheque number on both sides must be equal, and wins over a closer date', () => {
    const lines = [line('L1', '2025-03-10', -5000, 'CHEQUE 0001250', '0001250')];
    expect(proposeMatches(lines, [entry('a', '2025-03-09', -5000, 'Librairie', '1249'), entry('b', '2025-02-01', -5000, 'Librairie', '1250')])).toEqual([
      { lineId: 'L1', entryIds: ['b'] },
    ]);
    expect(proposeMatches(lines, [entry('a', '2025-03-09', -5000, 'Librairie', '1249')])).toEqual([]);
    expect(proposeMatches(lines, [entry('c', '2025-03-09', -5000, 'Librairie', null)])).toEqual([{ lineId: 'L1', entryIds: ['c'] }]);
  });

  it('label likeness breaks ties between entries of the same amount', () => {
    const lines = [line('L1', '2025-03-10', 35000, 'VIR MAIRIE DE CAEN SUBVENTION'), line('L2', '2025-03-10', 35000, 'VIR APE ECOLE JULES FERRY')];
    const entries = [entry('ape', '2025-03-08', 35000, 'APE Jules Ferry – don'), entry('mairie', '2025-03-08', 35000, 'Mairie de Caen – Subvention')];
    expect(proposeMatches(lines, entries)).toEqual([
      { lineId: 'L1', entryIds: ['mairie'] },
      { lineId: 'L2', entryIds: ['ape'] },
    ]);
    expect(labelLikeness('CB PEPINIERES DUPONT', 'Pépinières Dupont – Facture n°45899')).toBe(1);
  });

  const day = fc.integer({ min: 0, max: 120 }).map((n) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
  const amount = fc.constantFrom(-5000, -1250, 2000, 32000, 500);
  const labels = fc.constantFrom('MAIRIE', 'APE ECOLE', 'LIBRAIRIE', 'CB BOULANGERIE', '');
  const cheque = fc.option(fc.constantFrom('1240', '1241', '0001240'), { nil: null });
  const linesArb = fc.uniqueArray(fc.record({ lineId: fc.stringMatching(/^L[0-9a-f]{4}$/), date: day, amount, label: labels, chequeNo: cheque }), {
    selector: (l) => l.lineId,
    maxLength: 25,
  });
  const entriesArb = fc.uniqueArray(fc.record({ entryId: fc.stringMatching(/^e[0-9a-f]{4}$/), date: day, amount, label: labels, chequeNo: cheque }), {
    selector: (e) => e.entryId,
    maxLength: 25,
  });

  it('never puts one entry on two lines, never matches a different amount or a date outside the window', () => {
    fc.assert(
      fc.property(linesArb, entriesArb, (lines, entries) => {
        const proposals = proposeMatches(lines, entries);
        const used = proposals.flatMap((p) => p.entryIds);
        expect(new Set(used).size).toBe(used.length);
        for (const p of proposals) {
          const l = lines.find((x) => x.lineId === p.lineId)!;
          const e = entries.find((x) => x.entryId === p.entryIds[0])!;
          expect(e.amount).toBe(l.amount);
          expect(e.date <= l.date).toBe(true);
        }
      }),
    );
  });

  it('gives the same proposals whatever the order of lines and entries (a re-import proposes what the first import did)', () => {
    fc.assert(
      fc.property(linesArb, entriesArb, fc.integer(), (lines, entries, seed) => {
        const shuffle = <T>(list: T[]) => [...list].sort((a, b) => ((JSON.stringify(a).length * seed) % 7) - ((JSON.stringify(b).length * seed) % 7));
        expect(proposeMatches(shuffle(lines), shuffle(entries))).toEqual(proposeMatches(lines, entries));
      }),
    );
  });
});

describe('line identity across imports', () => {
  it('an overlapping file gives its common lines the same ids, identical lines by rank, a reference wins', () => {
    const march = [
      { date: '2025-03-02', label: 'CB BOULANGERIE', amount: -500, reference: null },
      { date: '2025-03-02', label: 'CB BOULANGERIE', amount: -500, reference: null },
      { date: '2025-03-05', label: 'VIR MAIRIE', amount: 35000, reference: null },
    ];
    const overlapping = [march[1], march[0], { date: '2025-03-02', label: 'CB  boulangerie', amount: -500, reference: null }, march[2]];
    const first = lineIdsOf(march);
    const second = lineIdsOf(overlapping);
    expect(new Set(first).size).toBe(3);
    expect(second.slice(0, 2)).toEqual(first.slice(0, 2));
    expect(second[3]).toBe(first[2]);
    expect(first).not.toContain(second[2]);
    expect(lineIdsOf([{ ...march[0], reference: 'X1' }])).toEqual(lineIdsOf([{ ...march[2], reference: 'X1' }]));
  });

  it('lines with no reference never collide within a file', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            date: fc.constantFrom('2025-03-01', '2025-03-02'),
            label: fc.constantFrom('A', 'B'),
            amount: fc.constantFrom(1, 2),
            reference: fc.constant(null),
          }),
        ),
        (lines) => {
          expect(new Set(lineIdsOf(lines)).size).toBe(lines.length);
        },
      ),
    );
  });
});

describe('candidates offered for a line', () => {
  const entry = (entryId: string, date: string, amount: number, label = 'Fournisseur', chequeNo: string | null = null): MatchCandidate => ({
    entryId,
    date,
    label,
    amount,
    chequeNo,
  });
  const line = (lineId: string, date: string, amount: number, label = 'CB ACHAT'): LineToMatch => ({ lineId, date, label, amount, chequeNo: null });

  it('at most CANDIDATES_PER_LINE per line: of its sign, in its window, the one that may match first, then the closest amounts', () => {
    const entries = [
      ...Array.from({ length: 30 }, (_, i) => entry(`e${i}`, '2025-03-01', -(1000 + i))),
      entry('exact', '2025-02-01', -1015),
      entry('receipt', '2025-03-01', 1015),
      entry('too-old', '2024-12-01', -1015),
      entry('after', '2025-03-20', -1015),
    ];
    const offered = lineCandidates([line('l1', '2025-03-10', -1015)], entries).get('l1')!;
    expect(offered).toHaveLength(CANDIDATES_PER_LINE);
    // e15 has the same amount and is closer in date; both may match, so both come first.
    expect(offered.slice(0, 2).map((c) => c.entryId)).toEqual(['e15', 'exact']);
    expect(offered.map((c) => c.entryId)).not.toEqual(expect.arrayContaining(['receipt', 'too-old', 'after']));
    expect(offered.slice(1).every((c) => Math.abs(c.amount + 1015) <= 4)).toBe(true);
  });

  it('a 1,000-line statement on a 5,000-entry year: 8 each, in well under a second', () => {
    // Before: every entry of the line's sign for every line, 1.5 million options on the page.
    const entries = Array.from({ length: 5000 }, (_, i) =>
      entry(`e${i}`, `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`, -(100 + i), `Fournisseur ${i}`),
    );
    const lines = Array.from({ length: 1000 }, (_, i) =>
      line(`l${i}`, `2025-${String(1 + (i % 12)).padStart(2, '0')}-28`, -(100 + i * 5), `CB FOURNISSEUR ${i}`),
    );
    const started = Date.now();
    const offered = lineCandidates(lines, entries);
    expect(Date.now() - started).toBeLessThan(5000);
    expect([...offered.values()].every((list) => list.length <= CANDIDATES_PER_LINE)).toBe(true);
  });

  it('a search finds any entry by a word of its label or by its amount', () => {
    const entries = [entry('a', '2025-01-02', -4590, 'Librairie du Port'), entry('b', '2025-01-03', 12000, 'APE don'), entry('c', '2025-01-04', -100, 'Élan')];
    expect(searchCandidates(entries, 'librairie', null).map((c) => c.entryId)).toEqual(['a']);
    expect(searchCandidates(entries, '45,90', 4590).map((c) => c.entryId)).toEqual(['a']);
    expect(searchCandidates(entries, 'elan', null).map((c) => c.entryId)).toEqual(['c']);
    expect(searchCandidates(entries, ' ', null)).toEqual([]);
  });
});
