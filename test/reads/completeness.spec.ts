import { completenessRows } from '../../src/reads/completeness';
import { type CoopDoc } from '../../src/projections/coops.projection';
import { type YearFactsDoc, emptyYearFacts } from '../../src/projections/year-facts.projection';

/** The completeness board reads the quitus by the domain's rule: two people, one a parent. */
describe('the completeness board', () => {
  const coop: CoopDoc = {
    coopId: 'C14001',
    department: '14',
    firstYear: 2025,
    name: "Coopérative de l'école Jules Ferry",
    school: null,
    uai: null,
    mandataires: ['Claire Martin'],
    registeredAt: '2025-09-01T08:00:00Z',
    revision: 0,
  };
  type Given = Pick<YearFactsDoc['decisions'][number], 'name' | 'quality' | 'decision'> & { comment?: string };
  const closedWith = (quitus: Given[]): YearFactsDoc => ({
    ...emptyYearFacts('C14001', 2025, '14'),
    status: 'closed',
    decisions: quitus.map((q, i) => ({ ...q, comment: q.comment ?? null, invitationId: `i${i}`, chainHead: 'h', at: '2026-09-01T08:00:00Z', valid: true })),
  });
  const row = (doc: YearFactsDoc) => completenessRows([coop], [doc], 2025, '2026-09-15')[0];

  it('counts the quitus complete with a parent and a second vérificateur', () => {
    const done = row(
      closedWith([
        { name: 'Jeanne Roux', quality: 'parent', decision: 'quitus' },
        { name: 'Marc Petit', quality: 'enseignant', decision: 'reserves' },
      ]),
    );
    expect(done.quitus).toBe(true);
    expect(done.missing).not.toContain('le quitus des deux vérificateurs');
  });

  it('shows a quitus with réserves as such, with the comment, apart from a clean one', () => {
    const withReserves = row(
      closedWith([
        { name: 'Jeanne Roux', quality: 'parent', decision: 'quitus' },
        { name: 'Marc Petit', quality: 'enseignant', decision: 'reserves', comment: 'Facture 12 sans justificatif' },
      ]),
    );
    expect(withReserves).toMatchObject({ quitus: true, quitusReserves: true, reserves: [{ name: 'Marc Petit', comment: 'Facture 12 sans justificatif' }] });
    const clean = row(
      closedWith([
        { name: 'Jeanne Roux', quality: 'parent', decision: 'quitus' },
        { name: 'Marc Petit', quality: 'enseignant', decision: 'quitus' },
      ]),
    );
    expect(clean).toMatchObject({ quitus: true, quitusReserves: false, reserves: [] });
  });

  it('does not count the same vérificateur twice, nor two without a parent', () => {
    const twice = row(
      closedWith([
        { name: 'Jeanne Roux', quality: 'parent', decision: 'quitus' },
        { name: 'jeanne  ROUX', quality: 'parent', decision: 'quitus' },
      ]),
    );
    expect(twice.quitus).toBe(false);
    expect(twice.missing).toContain('le quitus des deux vérificateurs');
    const noParent = row(
      closedWith([
        { name: 'Marc Petit', quality: 'enseignant', decision: 'quitus' },
        { name: 'Paul Durand', quality: 'autre', decision: 'quitus' },
      ]),
    );
    expect(noParent.quitus).toBe(false);
  });
});
