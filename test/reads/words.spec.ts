import { plural, sentence, verifierQualityLabel } from '../../src/reads/words';

describe('French words by number: one rule for the whole app (#29.14)', () => {
  it('0 and 1 take the singular, 2 and more the plural, every word of the phrase agreeing', () => {
    expect(plural(0, 'coopérative')).toBe('0 coopérative');
    expect(plural(1, 'définitive')).toBe('1 définitive');
    expect(plural(2, 'coopérative')).toBe('2 coopératives');
    expect(plural(1, 'bilan accepté')).toBe('1 bilan accepté');
    expect(plural(3, 'bilan accepté')).toBe('3 bilans acceptés');
    expect(plural(2, 'non pointée', 'non pointées')).toBe('2 non pointées');
  });

  it('typed text ends with one full stop, never two', () => {
    expect(sentence('Facture oubliée.')).toBe('Facture oubliée.');
    expect(sentence('Facture oubliée')).toBe('Facture oubliée.');
  });

  it("a vérificateur's quality is said in words", () => {
    expect(verifierQualityLabel('parent')).toBe("Parent d'élève");
    expect(verifierQualityLabel('enseignant')).toBe('Enseignant');
  });
});
