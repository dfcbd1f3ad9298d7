import {
  type LedgerCommand,
  closingChecklist,
  closingFactsOf,
  quitusStatus,
  statementDocumentOf,
  submissionBlockers,
  submissionFactsOf,
} from '../../src/domain/ledger';
import { type LedgerEvent, type QuitusGiven } from '../../src/events/ledger-events';
import { CLOSING_DAY, earlierYear, env, fold, ledgerSpec, opened, receipt, reconciled, statement as paperStatement } from './ledger-fixtures';

/** The year 2024 closed on 2 September 2025, with one reconciled receipt and a subsidy row. */
const closed: LedgerEvent = { type: 'YearClosed', data: { closedOn: CLOSING_DAY, bank: 32000, cash: 0, result: 32000, openAdvances: [], unreconciled: [] } };
const subsidy: LedgerEvent = {
  type: 'SubsidiesDeclared',
  data: { rows: [{ origin: 'Mairie', amount: 32000, date: '2024-10-01', designation: 'Projets', attachedToExpenses: 0 }] },
};
const year = [opened, receipt('e1', '01', 32000, '7410'), reconciled('e1'), subsidy, closed];
const HASH = (n: number) => String(n).repeat(64).slice(0, 64);
const HEAD = 'f'.repeat(64);
const after = { today: '2025-09-10', head: { hash: HEAD }, mandataires: ['Claire Martin'] };

const invited = (id: string, name: string, quality: 'parent' | 'enseignant' | 'autre', n: number): LedgerEvent => ({
  type: 'QuitusInvited',
  data: { invitationId: id, name, quality, codeHash: HASH(n), expiresOn: '2025-10-10', delivery: 'paper', sentTo: null },
});
const given = (id: string, name: string, quality: QuitusGiven['quality'], decision: QuitusGiven['decision'] = 'quitus'): LedgerEvent => ({
  type: 'QuitusGiven',
  data: { invitationId: id, decision, name, quality, comment: decision === 'reserves' ? 'Facture 12 manquante' : null, chainHead: HEAD },
});
const parent = [invited('i1', 'Élodie Durand', 'parent', 1), given('i1', 'Élodie Durand', 'parent')];
const teacher = [invited('i2', 'Marc Petit', 'enseignant', 2), given('i2', 'Marc Petit', 'enseignant')];
const statement: LedgerEvent = {
  type: 'SubmissionDocumentAttached',
  data: {
    documentId: 'd1',
    kind: 'statement',
    subsidyIndex: null,
    sha256: 'a'.repeat(64),
    mediaType: 'application/pdf',
    size: 100,
    fileName: 'releve-aout.pdf',
  },
};
const proof: LedgerEvent = {
  type: 'SubmissionDocumentAttached',
  data: { documentId: 'd2', kind: 'subsidy', subsidyIndex: 0, sha256: 'b'.repeat(64), mediaType: 'application/pdf', size: 100, fileName: 'mairie.pdf' },
};
const ready = [...year, ...parent, ...teacher, statement, proof];
const sent: LedgerEvent = { type: 'SubmissionSent', data: { version: 1, chainHead: HEAD, sentOn: '2025-09-10', late: false, documentIds: ['d1', 'd2'] } };
const unlocked: LedgerEvent = { type: 'YearUnlocked', data: { reason: 'Facture oubliée' } };
const relocked: LedgerEvent = { type: 'YearLocked', data: { bank: 32000, cash: 0, result: 32000, openAdvances: [], unreconciled: [] } };
const codes = (issues: { code: string }[]) => issues.map((i) => i.code);
const invite = (name: string, quality = 'parent', n = 7): LedgerCommand => ({
  type: 'InviteVerifier',
  invitationId: `inv${n}`,
  name,
  quality,
  codeHash: HASH(n),
});

describe('inviting the vérificateurs', () => {
  it('given a closed year, when the mandataire invites a parent, then the invitation keeps only the code’s hash, valid 30 days', () => {
    ledgerSpec
      .given(year)
      .when(invite(' Élodie Durand '), after)
      .then([
        {
          type: 'QuitusInvited',
          data: { invitationId: 'inv7', name: 'Élodie Durand', quality: 'parent', codeHash: HASH(7), expiresOn: '2025-10-10', delivery: 'paper', sentTo: null },
        },
      ]);
  });

  it('given a closed year, when the mandataire gives the vérificateur’s address, then the invitation goes by e-mail to it', () => {
    ledgerSpec
      .given(year)
      .when({ ...invite('Élodie Durand'), email: ' Elodie.Durand@Exemple.fr ' } as LedgerCommand, after)
      .then([
        {
          type: 'QuitusInvited',
          data: {
            invitationId: 'inv7',
            name: 'Élodie Durand',
            quality: 'parent',
            codeHash: HASH(7),
            expiresOn: '2025-10-10',
            delivery: 'email',
            sentTo: 'elodie.durand@exemple.fr',
          },
        },
      ]);
  });

  it('refuses an address that is not one (EMAIL_INVALID, next to the field)', () => {
    const error = ledgerSpec
      .given(year)
      .when({ ...invite('Élodie Durand'), email: 'elodie.durand' } as LedgerCommand, after)
      .thenThrows('EMAIL_INVALID');
    expect(error.errors!.map((e) => e.field)).toEqual(['email']);
  });

  it('given an open year, when the mandataire invites, then YEAR_NOT_CLOSED', () => {
    ledgerSpec.given([opened]).when(invite('Élodie Durand'), after).thenThrows('YEAR_NOT_CLOSED');
  });

  it('refuses a name, a quality or a hash that is missing or wrong, field by field', () => {
    const error = ledgerSpec
      .given(year)
      .when({ type: 'InviteVerifier', invitationId: 'x', name: ' ', quality: 'voisin', codeHash: 'abc' }, after)
      .thenThrows('NAME_REQUIRED');
    expect(error.errors!.map((e) => e.code)).toEqual(['NAME_REQUIRED', 'QUALITY_INVALID', 'CODE_INVALID']);
  });

  it('refuses a mandataire of the coop as vérificateur, whatever the case, accents, initials or order', () => {
    for (const name of ['claire  MARTIN', 'C. Martin', 'C Martin', 'Martin Claire', 'MARTIN C.', 'Cláire Martin']) {
      ledgerSpec.given(year).when(invite(name), after).thenThrows('VERIFIER_IS_BOOKKEEPER');
    }
    // Another person of the same name is not refused.
    ledgerSpec
      .given(year)
      .when(invite('Paul Martin'), after)
      .thenEvents((events) => expect(events).toHaveLength(1));
  });

  it('sends at most five invitations a day for a year', () => {
    const five = [1, 2, 3, 4, 5]
      .map((n) => invited(`i${n}`, `Parent ${n}`, 'parent', n))
      .map((e) => ({ ...e, data: { ...e.data, expiresOn: '2025-10-10' } })) as LedgerEvent[];
    ledgerSpec
      .given([...year, ...five])
      .when(invite('Parent 6', 'parent', 6), after)
      .thenThrows('INVITATIONS_LIMIT');
    ledgerSpec
      .given([...year, ...five])
      .when(invite('Parent 6', 'parent', 6), { ...after, today: '2025-09-11' })
      .thenEvents((events) => expect(events).toHaveLength(1));
  });
});

describe('giving quitus', () => {
  const give = (n: number, decision = 'quitus', comment: string | null = null, by: { role: string; coopId?: string } | null = null): LedgerCommand => ({
    type: 'GiveQuitus',
    codeHash: HASH(n),
    decision,
    comment,
    by,
  });

  it('given an invitation, when its holder gives quitus, then the decision names them and the stream head it was given on', () => {
    ledgerSpec
      .given([...year, invited('i1', 'Élodie Durand', 'parent', 1)])
      .when(give(1), after)
      .then([
        { type: 'QuitusGiven', data: { invitationId: 'i1', decision: 'quitus', name: 'Élodie Durand', quality: 'parent', comment: null, chainHead: HEAD } },
      ]);
  });

  it('réserves need a comment', () => {
    ledgerSpec
      .given([...year, invited('i1', 'Élodie Durand', 'parent', 1)])
      .when(give(1, 'reserves'), after)
      .thenThrows('COMMENT_REQUIRED');
    ledgerSpec
      .given([...year, invited('i1', 'Élodie Durand', 'parent', 1)])
      .when(give(1, 'reserves', 'La facture 12 manque'), after)
      .thenEvents(([event]) => expect(event.data).toMatchObject({ decision: 'reserves', comment: 'La facture 12 manque' }));
    ledgerSpec
      .given([...year, invited('i1', 'Élodie Durand', 'parent', 1)])
      .when(give(1, 'peut-être'), after)
      .thenThrows('DECISION_INVALID');
  });

  it('an unknown or expired code is not found; a used one is gone', () => {
    ledgerSpec.given(year).when(give(9), after).thenThrows('INVITATION_NOT_FOUND');
    ledgerSpec
      .given([...year, invited('i1', 'Élodie Durand', 'parent', 1)])
      .when(give(1), { ...after, today: '2025-10-11' })
      .thenThrows('INVITATION_NOT_FOUND');
    const used = ledgerSpec
      .given([...year, ...parent])
      .when(give(1), after)
      .thenThrows('INVITATION_USED');
    expect(used.kind).toBe('gone');
  });

  it('the bookkeeper is refused: logged in as the coop’s mandataire', () => {
    ledgerSpec
      .given([...year, invited('i1', 'Élodie Durand', 'parent', 1)])
      .when(give(1, 'quitus', null, { role: 'mandataire', coopId: env.coopId }), after)
      .thenThrows('VERIFIER_IS_BOOKKEEPER');
    // A mandataire of another coop may well be a parent here.
    ledgerSpec
      .given([...year, invited('i1', 'Élodie Durand', 'parent', 1)])
      .when(give(1, 'quitus', null, { role: 'mandataire', coopId: 'autre_ecole' }), after)
      .thenEvents((events) => expect(events).toHaveLength(1));
  });

  it('the quitus is complete with two vérificateurs, one a parent', () => {
    expect(quitusStatus(fold([...year, ...parent])).complete).toBe(false);
    const twoTeachers = fold([...year, ...teacher, invited('i3', 'Luc Roy', 'autre', 3), given('i3', 'Luc Roy', 'autre')]);
    expect(quitusStatus(twoTeachers)).toMatchObject({ complete: false, missing: ['au moins un des vérificateurs doit être un parent d’élève'] });
    // The same person twice is one vérificateur.
    const twice = fold([...year, ...parent, invited('i4', 'elodie durand', 'autre', 4), given('i4', 'elodie durand', 'autre')]);
    expect(quitusStatus(twice).complete).toBe(false);
    const both = quitusStatus(fold([...year, ...parent, ...teacher]));
    expect(both.complete).toBe(true);
    expect(both.valid.map((d) => d.name)).toEqual(['Élodie Durand', 'Marc Petit']);
    // Réserves are a decision too: the AD reads them.
    expect(
      quitusStatus(fold([...year, ...parent, invited('i2', 'Marc Petit', 'enseignant', 2), given('i2', 'Marc Petit', 'enseignant', 'reserves')])).complete,
    ).toBe(true);
  });

  it('given quitus, when the AD unlocks the year, then every decision is caduc and is given again on the corrected year', () => {
    const voided = fold([...year, ...parent, ...teacher, unlocked]);
    expect(quitusStatus(voided)).toMatchObject({ complete: false, valid: [] });
    const again = fold([...year, ...parent, ...teacher, unlocked, relocked]);
    expect(quitusStatus(again).valid).toEqual([]);
    ledgerSpec
      .given([...year, invited('i1', 'Élodie Durand', 'parent', 1), unlocked])
      .when(give(1), after)
      .thenThrows('YEAR_NOT_CLOSED');
    const renewed = [...year, ...parent, ...teacher, unlocked, relocked, invited('i5', 'Élodie Durand', 'parent', 5), given('i5', 'Élodie Durand', 'parent')];
    expect(quitusStatus(fold([...renewed, invited('i6', 'Marc Petit', 'enseignant', 6), given('i6', 'Marc Petit', 'enseignant')])).complete).toBe(true);
  });
});

describe('submitting the year to the AD', () => {
  it('given an open year, no quitus and no documents, then SUBMISSION_BLOCKED lists everything', () => {
    const error = ledgerSpec.given([opened, subsidy]).when({ type: 'SubmitYear' }, after).thenThrows('SUBMISSION_BLOCKED');
    expect(codes(error.details!.blockers as { code: string }[])).toEqual([
      'YEAR_NOT_CLOSED',
      'QUITUS_INCOMPLETE',
      'STATEMENT_DOCUMENT_MISSING',
      'SUBSIDY_PROOF_MISSING',
    ]);
    expect(codes(submissionBlockers(submissionFactsOf(fold([...year, ...parent, ...teacher, statement]))))).toEqual(['SUBSIDY_PROOF_MISSING']);
  });

  it('given a closed year with quitus and documents, then a first version bound to the stream head, on time until 30 September', () => {
    ledgerSpec
      .given(ready)
      .when({ type: 'SubmitYear' }, after)
      .then([{ type: 'SubmissionSent', data: { version: 1, chainHead: HEAD, sentOn: '2025-09-10', late: false, documentIds: ['d1', 'd2'] } }]);
    ledgerSpec
      .given(ready)
      .when({ type: 'SubmitYear' }, { ...after, today: '2025-10-01' })
      .thenEvents(([event]) => expect(event.data).toMatchObject({ late: true }));
  });

  it('a subsidy proof names a row of the table; a statement needs none', () => {
    const attach = (kind: string, subsidyIndex: number | null): LedgerCommand => ({
      type: 'AttachSubmissionDocument',
      documentId: 'd9',
      kind,
      subsidyIndex,
      sha256: 'c'.repeat(64),
      mediaType: 'application/pdf',
      size: 10,
      fileName: 'x.pdf',
    });
    ledgerSpec.given(year).when(attach('subsidy', 1), after).thenThrows('SUBSIDY_UNKNOWN');
    ledgerSpec.given(year).when(attach('facture', null), after).thenThrows('DOCUMENT_KIND_INVALID');
    ledgerSpec
      .given(year)
      .when(attach('subsidy', 0), after)
      .thenEvents(([event]) => expect(event).toMatchObject({ type: 'SubmissionDocumentAttached', data: { kind: 'subsidy', subsidyIndex: 0 } }));
  });

  it('one version waits for the AD at a time; a returned one is sent again as the next version', () => {
    ledgerSpec
      .given([...ready, sent])
      .when({ type: 'SubmitYear' }, after)
      .thenThrows('SUBMISSION_BLOCKED');
    ledgerSpec
      .given([...ready, sent])
      .when({ type: 'ReturnSubmission', reason: '' }, after)
      .thenThrows('REASON_REQUIRED');
    const returned: LedgerEvent = { type: 'SubmissionReturned', data: { version: 1, reason: 'Le relevé est celui de juillet' } };
    ledgerSpec
      .given([...ready, sent])
      .when({ type: 'ReturnSubmission', reason: 'Le relevé est celui de juillet' }, after)
      .then([returned]);
    ledgerSpec
      .given([...ready, sent, returned])
      .when({ type: 'SubmitYear' }, after)
      .thenEvents(([event]) => expect(event.data).toMatchObject({ version: 2 }));
    ledgerSpec.given(ready).when({ type: 'AcceptSubmission' }, after).thenThrows('NO_PENDING_SUBMISSION');
  });

  it('given an accepted version, when the AD unlocks, then the quitus is void, the version stays as sent, and a new one needs a new quitus', () => {
    const accepted: LedgerEvent = { type: 'SubmissionAccepted', data: { version: 1 } };
    ledgerSpec
      .given([...ready, sent])
      .when({ type: 'AcceptSubmission' }, after)
      .then([accepted]);
    ledgerSpec
      .given([...ready, sent, accepted])
      .when({ type: 'SubmitYear' }, after)
      .thenThrows('SUBMISSION_BLOCKED');
    const state = fold([...ready, sent, accepted, unlocked, relocked]);
    expect(state.yearEnd.submissions).toEqual([expect.objectContaining({ version: 1, chainHead: HEAD, status: 'accepted' })]);
    expect(codes(submissionBlockers(submissionFactsOf(state)))).toEqual(['QUITUS_INCOMPLETE']);
  });
});

describe('the year-end statement of the submission', () => {
  /** A statement imported from the bank's file, with its date and balance. */
  const imported = (date: string, statementId = `imp-${date}`): LedgerEvent => ({
    type: 'StatementImported',
    data: {
      statementId,
      date,
      closingBalance: 32000,
      file: { sha256: 'e'.repeat(64), fileName: `releve-${date}.csv`, size: 900, format: 'csv' },
      lines: [],
      duplicates: 0,
      outsideYear: 0,
    },
  });
  /** The year closed with these statements, its quitus given and its subsidy proven. */
  const closedWith = (...statements: LedgerEvent[]) => [...year.slice(0, -1), ...statements, closed, ...parent, ...teacher, proof];

  it('given the August statement imported from the bank’s file, when the mandataire submits, then it stands as the statement: no document to attach', () => {
    ledgerSpec
      .given(closedWith(imported('2025-08-29')))
      .when({ type: 'SubmitYear' }, after)
      .then([{ type: 'SubmissionSent', data: { version: 1, chainHead: HEAD, sentOn: '2025-09-10', late: false, documentIds: ['d2'] } }]);
  });

  it('given only a paper statement typed by hand, or an imported one of July followed by August’s on paper, then STATEMENT_DOCUMENT_MISSING', () => {
    for (const statements of [[paperStatement('2025-08-31', 32000)], [imported('2025-07-31'), paperStatement('2025-08-31', 32000)]]) {
      const error = ledgerSpec
        .given(closedWith(...statements))
        .when({ type: 'SubmitYear' }, after)
        .thenThrows('SUBMISSION_BLOCKED');
      expect(codes(error.details!.blockers as { code: string }[])).toEqual(['STATEMENT_DOCUMENT_MISSING']);
    }
  });

  it('given a closed year whose last statement, imported, is of June (the bank did not move after), then it is the year-end statement; not while the year is open', () => {
    expect(submissionFactsOf(fold(closedWith(imported('2025-06-30')))).statement).toBe(true);
    expect(submissionFactsOf(fold([opened, imported('2025-06-30')])).statement).toBe(false);
    expect(submissionFactsOf(fold([opened, imported('2025-08-29')])).statement).toBe(true);
  });

  it('a document attached as the statement wins over the imported file; the latest August import is the one', () => {
    const statements = [
      { statementId: 'a', date: '2025-08-15', closingBalance: 1, file: { sha256: 'a'.repeat(64), fileName: 'a.csv', size: 1, format: 'csv' as const } },
      { statementId: 'b', date: '2025-08-31', closingBalance: 2, file: { sha256: 'b'.repeat(64), fileName: 'b.ofx', size: 1, format: 'ofx' as const } },
      { statementId: 'c', date: '2025-08-31', closingBalance: 3, file: null },
    ];
    expect(statementDocumentOf(2024, 'closed', [], statements)).toEqual({ attached: null, imported: statements[1] });
    const attached = { kind: 'statement', documentId: 'd1' };
    expect(statementDocumentOf(2024, 'closed', [{ kind: 'subsidy', documentId: 'd0' }, attached], statements)).toEqual({ attached, imported: null });
    expect(statementDocumentOf(2024, 'closed', [], [statements[2]])).toBeNull();
  });
});

describe('the opening a correction of the previous year moved, seen once', () => {
  /** 2025-2026, whose previous year 2024 closed again at 310,00 € in bank and 12,00 € in cash. */
  const corrected = {
    today: '2025-10-02',
    firstYear: 2023,
    earlierYears: [earlierYear(2023, { closedOn: CLOSING_DAY, bank: 31000, cash: 1200, result: 31000, openAdvances: [], unreconciled: [] })],
  };
  const seen: LedgerEvent = { type: 'OpeningChangeSeen', data: { bank: 31000, cash: 1200 } };
  const acknowledge = (bank: number, cash: number): LedgerCommand => ({ type: 'AcknowledgeOpeningChange', bank, cash });

  it('given the corrected opening shown, when the mandataire acknowledges it, then OpeningChangeSeen with the opening seen', () => {
    ledgerSpec.given([]).when(acknowledge(31000, 1200), corrected).then([seen]);
  });

  it('given it was seen, when acknowledged again, then nothing more', () => {
    ledgerSpec.given([seen]).when(acknowledge(31000, 1200), corrected).then([]);
  });

  it('given the opening moved again since the page showed it, then OPENING_CHANGED: one acknowledges what one saw', () => {
    ledgerSpec.given([]).when(acknowledge(32000, 1200), corrected).thenThrows('OPENING_CHANGED');
  });

  it('given the previous year unlocked again, then PREVIOUS_YEAR_OPEN: the opening is provisional', () => {
    ledgerSpec
      .given([])
      .when(acknowledge(31000, 1200), { ...corrected, earlierYears: [{ ...corrected.earlierYears[0], status: 'unlocked' }] })
      .thenThrows('PREVIOUS_YEAR_OPEN');
  });
});

describe('OPENING_MISSING', () => {
  it('blocks the closing of a first year without its opening, not of a later year', () => {
    const noOpening = fold([receipt('e1', '01', 1000), reconciled('e1'), paperStatement('2025-08-31', 1000)]);
    expect(codes(closingChecklist(closingFactsOf(noOpening, env), CLOSING_DAY, 2024).blockers)).toEqual(['OPENING_MISSING']);
    ledgerSpec
      .given([receipt('e1', '01', 1000), reconciled('e1'), paperStatement('2025-08-31', 1000)])
      .when({ type: 'CloseYear' }, { today: CLOSING_DAY })
      .thenThrows('CLOSING_BLOCKED');
    const later = { ...env, firstYear: 2023, earlierYears: [earlierYear(2023, null, 'closed')] };
    expect(closingChecklist(closingFactsOf(noOpening, later), CLOSING_DAY, 2024).canClose).toBe(true);
  });
});
