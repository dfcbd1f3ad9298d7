import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { membershipStatusLabel, SUBMISSION_FOR_DEPARTMENT, submissionStatusLabel, yearStatusLabel } from '../../src/reads/status-labels';

/** Every status in words has one home, src/reads/status-labels.ts: the pages, CSVs and workbooks say the same. */
describe('status labels', () => {
  it('a year is "En cours", "Clôturé" or "Rouvert pour correction" wherever it shows (the archives said "Ouvert")', () => {
    expect([yearStatusLabel('open'), yearStatusLabel('closed'), yearStatusLabel('unlocked')]).toEqual(['En cours', 'Clôturé', 'Rouvert pour correction']);
  });

  it('a submission reads for the coop as waiting on the AD, for the AD as to examine', () => {
    expect(submissionStatusLabel('submitted')).toBe("Envoyé, en attente de l'association départementale");
    expect(SUBMISSION_FOR_DEPARTMENT.submitted).toBe('envoyé, à examiner');
    expect(submissionStatusLabel('missing')).toBe('Pas encore envoyé');
  });

  it('a membership with nothing entered is "non commencée" only while a draft', () => {
    expect(membershipStatusLabel('draft', false)).toBe('non commencée');
    expect(membershipStatusLabel('draft')).toBe('à envoyer');
    expect(membershipStatusLabel('submitted', false)).toBe('envoyée');
    expect(membershipStatusLabel('validated')).toBe('validée');
  });

  it('no other module of src nor any template writes a status label out', () => {
    const root = join(__dirname, '../..');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|hbs)$/.test(e.name) ? [join(dir, e.name)] : [],
      );
    const LABELS = [
      "'Rouvert pour correction'",
      "'En cours'",
      "'non commencée'",
      "'Pas encore envoyé'",
      "'envoyé, à examiner'",
      "'envoyée'",
      '>Ouvert<',
      '}}Ouvert{{',
    ];
    const found = [...files(join(root, 'src')), ...files(join(root, 'templates'))]
      .map((file) => relative(root, file))
      .filter((file) => file !== 'src/reads/status-labels.ts')
      .flatMap((file) => LABELS.filter((label) => readFileSync(join(root, file), 'utf8').includes(label)).map((label) => `${file}: ${label}`));
    expect(found).toEqual([]);
  });
});
