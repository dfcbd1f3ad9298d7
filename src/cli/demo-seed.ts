import { type INestApplicationContext } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { type CommandContext, commandContext } from '../commands/command-context';
import { type CommandSender } from '../commands/commands.module';
import { ChangeMandate, RegisterCoop } from '../commands/coop.commands';
import { ChangeDepartmentIdentity, SetMembershipSettings } from '../commands/department.commands';
import { ExecuteMembershipCommand } from '../commands/membership.commands';
import { type MembershipCommand, type MembershipNumbersInput } from '../domain/membership';
import { ExecuteLedgerCommand } from '../commands/ledger.commands';
import { type Clock, currentFiscalYear, today } from '../domain/fiscal-year';
import { type LedgerCommand } from '../domain/ledger';
import { importStatementCommand } from '../domain/ledger/statements/statements';
import { lineIdsOf, proposeMatches, readStatementFile } from '../domain/statements';
import { type EntryLine } from '../events/ledger-events';
import { type EventStore } from '../events/event-store';
import { type UserDirectory } from '../users/user-directory';
import { type DocumentFiles, type StoredVoucher } from '../blobs/kept-files';
import { CommandBus } from '@nestjs/cqrs';
import { type Projector } from '../projections/projector';
import { CLOCK, DOCUMENT_FILES, EVENT_STORE, PROJECTOR, USER_DIRECTORY } from '../tokens';
import { type DemoBankMovement, monthlyStatementFiles } from './demo-statements';
import { netOn } from '../domain/net-amount';

export interface DemoLogin {
  role: string;
  username: string;
  password: string;
  scope: string;
}

/** What the demo needs: the same command path as the server and the CLI. */
export interface DemoDeps {
  commands: CommandSender;
  users: UserDirectory;
  clock: Clock;
  /** Where the documents sent with a year to the department, and the bank's files, are kept (the vouchers' store). */
  documents: DocumentFiles;
}

/** The demo's logins, printed at first start (and used by the tests). */
export const DEMO_LOGINS: readonly DemoLogin[] = [
  { role: 'admin', username: 'admin', password: 'demo-admin-2025', scope: 'tout' },
  { role: 'treasurer', username: 'tresorier14', password: 'demo-tresorier14', scope: 'département 14' },
  { role: 'treasurer', username: 'tresorier61', password: 'demo-tresorier61', scope: 'département 61' },
  { role: 'mandataire', username: 'jferry', password: 'demo-jules-ferry', scope: 'coopérative C14001, Claire Martin' },
  { role: 'mandataire', username: 'mdurand', password: 'demo-marc-durand', scope: 'coopérative C14001, Marc Durand (second mandataire)' },
  { role: 'mandataire', username: 'tilleuls', password: 'demo-les-tilleuls', scope: 'coopérative C14002' },
  { role: 'auditor', username: 'verif14', password: 'demo-verificateur', scope: 'département 14, lecture seule' },
];

/** Every coop's bank balance on the first day of its past year. */
const DEMO_OPENING_BANK = 184250;

const admin = { username: 'demo-seed', role: 'admin' as const };
const ctx = (key: string): CommandContext => commandContext(admin, `demo-seed:${key}`);

const bank = (amount: number, side: 'debit' | 'credit'): EntryLine => ({ account: '512', [side]: amount });
const on = (account: string, amount: number, side: 'debit' | 'credit', regie?: string): EntryLine => ({ account, [side]: amount, ...(regie ? { regie } : {}) });

/**
 * A department (14, Calvados) with two cooperatives, a closed past year and a current year of
 * realistic entries (the guide's examples), a second department (61) to show scoping, and logins.
 */
export async function seedDemo({ commands, users, clock, documents }: DemoDeps): Promise<{ logins: DemoLogin[] }> {
  const current = currentFiscalYear(clock);
  const previous = current - 1;
  // Made-up SIREN/SIRET numbers with valid keys: they name the departments' FEC files.
  const associations = [
    {
      department: '14',
      name: 'OCCE 14 — Association départementale du Calvados',
      siren: '781430004',
      siret: '78143000400015',
      address: '12 rue de la Coopération\n14000 Caen',
    },
    {
      department: '61',
      name: "OCCE 61 — Association départementale de l'Orne",
      siren: '781610001',
      siret: null,
      address: '3 place du Champ-Perrey\n61000 Alençon',
    },
  ];
  for (const { department, ...identity } of associations) {
    await commands.execute(new ChangeDepartmentIdentity(department, { type: 'ChangeDepartmentIdentity', identity }, ctx(`department:${department}`)));
  }
  const coops = [
    {
      coopId: 'C14001',
      department: '14',
      name: "Coopérative de l'école Jules Ferry",
      school: 'École primaire Jules Ferry, Caen',
      uai: '0141234A',
      mandataires: ['Claire Martin'],
    },
    {
      coopId: 'C14002',
      department: '14',
      name: 'Coopérative de la maternelle Les Tilleuls',
      school: 'École maternelle Les Tilleuls, Bayeux',
      uai: '0145678B',
      mandataires: ['Paul Lefèvre'],
    },
    {
      coopId: 'C61001',
      department: '61',
      name: "Coopérative de l'école du Château",
      school: 'École du Château, Alençon',
      uai: '0611111C',
      mandataires: ['Nadia Benali'],
    },
    // A coop with no notebook kept here yet (registered by the AD): its membership is already validated.
    {
      coopId: 'C61002',
      department: '61',
      name: "Coopérative de l'école Saint-Exupéry",
      school: 'École Saint-Exupéry, Argentan',
      uai: '0612222D',
      mandataires: ['Luc Moreau'],
    },
  ];
  for (const coop of coops) {
    await commands.execute(
      new RegisterCoop(
        { type: 'RegisterCoop', coopId: coop.coopId, department: coop.department, firstYear: previous, identity: coop },
        ctx(`coop:${coop.coopId}`),
      ),
    );
  }
  const run = (coopId: string, year: number, key: string, command: LedgerCommand) =>
    commands.execute(new ExecuteLedgerCommand(coopId, year, command, ctx(`${coopId}:${year}:${key}`)));
  // Each coop's year's bank movements, for the statements the bank sends of them.
  const movements = new Map<string, DemoBankMovement[]>();
  const entry = (
    coopId: string,
    year: number,
    id: string,
    pj: string,
    date: string,
    label: string,
    lines: EntryLine[],
    extra: { chequeNo?: string; actionA?: string; actionB?: string } = {},
  ) => {
    const entryId = `${coopId}-${year}-${id}`.replace(/-/g, '_');
    const onBank = netOn(lines, '512');
    if (onBank !== 0) {
      const key = `${coopId}:${year}`;
      movements.set(key, [...(movements.get(key) ?? []), { entryId, date, label, amount: onBank, chequeNo: extra.chequeNo ?? null }]);
    }
    return run(coopId, year, `entry:${id}`, {
      type: 'RecordEntry',
      entryId,
      entry: { pj, date, label, chequeNo: extra.chequeNo ?? null, actionA: extra.actionA ?? null, actionB: extra.actionB ?? null, lines },
    });
  };
  /**
   * The bank's monthly CSV files of a year, imported as the Relevés page imports a dropped file
   * (read, kept, ImportStatement), then "Tout confirmer": the matching's proposals, confirmed.
   */
  const importStatements = async (coop: { coopId: string; name: string }, year: number, openingBank: number, lastMonth: string, firstMonth = `${year}-09`) => {
    let candidates = movements.get(`${coop.coopId}:${year}`) ?? [];
    const accountNo = `0001${coop.coopId.replace(/\D/g, '')}`;
    const files = monthlyStatementFiles({ year, coopName: coop.name, accountNo, openingBank, movements: candidates, lastMonth });
    for (const file of files.filter((f) => f.month >= firstMonth)) {
      const statementId = `${coop.coopId}_${year}_releve_${file.month.replace('-', '_')}`;
      const stored = await documents.storeBankFile(file.bytes, file.fileName);
      const command = importStatementCommand(statementId, readStatementFile(file.bytes), stored);
      await run(coop.coopId, year, `statement:${file.month}`, command);
      const ids = lineIdsOf(command.lines);
      const matches = proposeMatches(
        command.lines.map((line, i) => ({ ...line, lineId: ids[i] })),
        candidates,
      );
      if (matches.length === 0) continue;
      await run(coop.coopId, year, `statement:${file.month}:confirm`, { type: 'MatchStatementLines', statementId, matches });
      const taken = new Set(matches.flatMap((m) => m.entryIds));
      candidates = candidates.filter((c) => !taken.has(c.entryId));
    }
  };

  for (const coop of coops) {
    const { coopId } = coop;
    const y = previous;
    const d = (md: string) => (md >= '09' ? `${y}-${md}` : `${y + 1}-${md}`);
    const openingBank = DEMO_OPENING_BANK;
    await run(coopId, y, 'opening', { type: 'DeclareOpeningBalance', bank: openingBank, cash: 4520, date: `${y}-09-01` });
    await entry(
      coopId,
      y,
      'e01',
      '01',
      d('09-20'),
      "OCCE 14 – Cotisation et assurance de l'année",
      [on('6586', 21200, 'debit'), on('6168', 2100, 'debit'), bank(23300, 'credit')],
      { chequeNo: '1568960' },
    );
    await entry(coopId, y, 'e02', '02', d('10-04'), 'Familles – Participation sortie au musée', [bank(45000, 'debit'), on('7560', 45000, 'credit')], {
      actionA: 'Sortie musée',
    });
    await entry(
      coopId,
      y,
      'e03',
      '03',
      d('10-18'),
      'Autocars Normands – Facture n°7781 – Transport musée',
      [on('6181', 38000, 'debit'), bank(38000, 'credit')],
      { chequeNo: '1568961', actionA: 'Sortie musée' },
    );
    await entry(coopId, y, 'e04', '04', d('01-12'), 'Mairie – Subvention projets de la coopérative', [bank(50000, 'debit'), on('7410', 50000, 'credit')]);
    await entry(coopId, y, 'e05', '05', d('03-02'), 'Kermesse – Vente de gâteaux', [on('530', 12000, 'debit'), on('7070', 12000, 'credit')], {
      actionA: 'Kermesse',
    });
    await entry(coopId, y, 'e06', '06', d('03-09'), 'Dépôt des espèces de la kermesse', [bank(12000, 'debit'), on('530', 12000, 'credit')]);
    await entry(
      coopId,
      y,
      'e07',
      '07',
      d('05-15'),
      'Librairie du Port – Facture n°2231 – Albums de classe',
      [on('6181', 31000, 'debit'), bank(31000, 'credit')],
      { chequeNo: '1568962' },
    );
    // A statement a month, the August one framing the year's end: every bank movement is pointed.
    await importStatements(coop, y, openingBank, `${y + 1}-08`);
    await run(coopId, y, 'subsidies', {
      type: 'DeclareSubsidies',
      rows: [{ origin: 'Mairie', amount: 50000, date: d('01-12'), designation: 'Projets de la coopérative scolaire', attachedToExpenses: 50000 }],
    });
    await run(coopId, y, 'cash', {
      type: 'CountCash',
      countId: `${coopId}-${y}-cash`.replace(/-/g, '_'),
      date: d('08-31'),
      counts: { '2000': 2, '200': 2, '100': 1, '20': 1 },
    });
    await run(coopId, y, 'close', { type: 'CloseYear' });
  }

  // C14002's past year goes the whole way: quitus by two vérificateurs, the year-end statement and
  // the subsidy's proof, sent to the department, accepted: final. C14001's is closed, not sent yet.
  {
    const coopId = 'C14002';
    const y = previous;
    const verifiers = [
      { name: 'Sophie Durand', quality: 'parent' },
      { name: 'Marc Petit', quality: 'autre' },
    ];
    for (const [i, v] of verifiers.entries()) {
      // The demo's codes are spent at once: their hashes only open an invitation already used.
      const codeHash = createHash('sha256').update(`demo-seed:${coopId}:${y}:quitus:${i}`).digest('hex');
      await run(coopId, y, `invite:${i}`, { type: 'InviteVerifier', invitationId: `demo_${coopId}_${y}_q${i}`, ...v, codeHash });
      await run(coopId, y, `quitus:${i}`, { type: 'GiveQuitus', codeHash, decision: 'quitus', comment: null, by: null });
    }
    const attach = async (kind: 'statement' | 'subsidy', fileName: string, subsidyIndex: number | null) => {
      const buffer = demoPdf(`${coopId} ${y} ${fileName}`);
      const stored: StoredVoucher = await documents.store({ buffer, originalname: fileName, size: buffer.length });
      await run(coopId, y, `document:${kind}`, { type: 'AttachSubmissionDocument', documentId: `demo_${coopId}_${y}_${kind}`, kind, subsidyIndex, ...stored });
    };
    await attach('statement', 'releve-aout.pdf', null);
    await attach('subsidy', 'subvention-mairie.pdf', 0);
    await run(coopId, y, 'submit', { type: 'SubmitYear' });
    await run(coopId, y, 'accept', { type: 'AcceptSubmission' });
  }

  // The current year of the first coop: the guide's examples.
  const c = 'C14001';
  const y = current;
  const d = (md: string) => (md >= '09' ? `${y}-${md}` : `${y + 1}-${md}`);
  await entry(
    c,
    y,
    'e01',
    '01',
    d('09-15'),
    "OCCE 14 – Cotisation et assurance de l'année",
    [on('6586', 21200, 'debit'), on('6168', 2100, 'debit'), bank(23300, 'credit')],
    { chequeNo: '1569001' },
  );
  await entry(c, y, 'e02', '02', d('09-22'), "Régie d'avance – classe de CP-CE1", [on('4670', 15000, 'debit', 'CP-CE1'), bank(15000, 'credit')], {
    chequeNo: '1569002',
    actionB: 'CP-CE1',
  });
  await entry(c, y, 'e03', '03', d('10-10'), 'Ventes de photos scolaires aux familles', [bank(32000, 'debit'), on('7070', 32000, 'credit')], {
    actionA: 'Photos',
  });
  await entry(c, y, 'e04', '04', d('10-24'), 'Photographe Fact. n°199200 – Photos', [on('6070', 32000, 'debit'), bank(32000, 'credit')], {
    chequeNo: '1569003',
    actionA: 'Photos',
  });
  await entry(
    c,
    y,
    'e05',
    '05',
    d('11-05'),
    'Cahier de régie CP-CE1 – dépenses de la classe',
    [on('6181', 12500, 'debit'), on('4670', 12500, 'credit', 'CP-CE1')],
    { actionB: 'CP-CE1' },
  );
  await run(c, y, 'reconcile:e01', { type: 'ReconcileEntry', entryId: `${c}_${y}_e01`, statementDate: d('09-30') });

  // C14002's current year: the farm outing the families paid for at the classroom door (a receipt
  // each), the cheques taken to the bank on one deposit slip (ONE notebook entry), the cash still in
  // hand; the bank's October statement shows one line for the deposit, matched to that entry.
  {
    const coop = coops.find((k) => k.coopId === 'C14002')!;
    const pupils: Array<[string, string, string, 'cheque' | 'cash', string | null, string | null]> = [
      ['Famille Bernard', 'Lucas Bernard', 'PS', 'cheque', '3120451', 'Crédit Agricole'],
      ['Famille Nguyen', 'Léa Nguyen', 'PS', 'cheque', '0048812', 'La Banque Postale'],
      ['Famille Moreau', 'Inès Moreau', 'MS', 'cheque', '7712034', 'Crédit Mutuel'],
      ['Famille Haddad', 'Adam Haddad', 'MS', 'cash', null, null],
      ['Famille Lefebvre', 'Jules Lefebvre', 'GS', 'cheque', '5501237', 'Caisse d’Épargne'],
      ['Famille Petit', 'Chloé Petit', 'GS', 'cheque', '0927741', 'Crédit Agricole'],
      ['Famille Girard', 'Nathan Girard', 'GS', 'cash', null, null],
    ];
    const ids = pupils.map((_, i) => `demo_C14002_${y}_p${i + 1}`);
    for (const [i, [payer, pupil, klass, mode, chequeNo, bankName]] of pupils.entries()) {
      await run(coop.coopId, y, `payment:${i + 1}`, {
        type: 'RecordPayment',
        paymentId: ids[i],
        payment: {
          date: d(`10-0${1 + (i % 3)}`),
          payer,
          pupil,
          class: klass,
          amount: 1200,
          mode,
          chequeNo,
          bank: bankName,
          account: '7560',
          action: 'Sortie à la ferme',
        },
      });
    }
    const cheques = ids.filter((_, i) => pupils[i][3] === 'cheque');
    const entryId = `C14002_${y}_rem01`;
    await run(coop.coopId, y, 'deposit:1', {
      type: 'DepositPayments',
      depositId: `demo_C14002_${y}_d1`,
      entryId,
      date: d('10-06'),
      mode: 'cheque',
      paymentIds: cheques,
    });
    movements.set(`C14002:${y}`, [{ entryId, date: d('10-06'), label: 'Remise de chèques', amount: cheques.length * 1200, chequeNo: null }]);
    // The bank's balance at the year's start: the past year's closing (its opening and movements).
    const closing = (movements.get(`C14002:${previous}`) ?? []).reduce((sum, m) => sum + m.amount, DEMO_OPENING_BANK);
    await importStatements(coop, y, closing, `${y}-10`, `${y}-10`);
  }

  await seedMemberships(commands, current);

  const scopeOf: Record<string, { department?: string; coopId?: string; grants?: { departments: string[] } }> = {
    tresorier14: { department: '14' },
    tresorier61: { department: '61' },
    jferry: { coopId: 'C14001', department: '14' },
    mdurand: { coopId: 'C14001', department: '14' },
    tilleuls: { coopId: 'C14002', department: '14' },
    verif14: { grants: { departments: ['14'] } },
  };
  // C14001 has two personal mandataires, each appointed on the coop's stream (the history names them).
  const people: Record<string, { name: string; email: string; since: string }> = {
    jferry: { name: 'Claire Martin', email: 'claire.martin@ecole-jules-ferry.example', since: `${previous}-09-01` },
    mdurand: { name: 'Marc Durand', email: 'marc.durand@ecole-jules-ferry.example', since: today(clock) },
  };
  for (const login of DEMO_LOGINS) {
    if (await users.get(login.username)) continue;
    const person = people[login.username];
    if (person) {
      const appointment = { type: 'AppointMandataire' as const, username: login.username, ...person };
      await commands.execute(new ChangeMandate('C14001', appointment, ctx(`mandate:${login.username}`)));
    }
    await users.create({
      username: login.username,
      password: login.password,
      role: login.role as never,
      ...scopeOf[login.username],
      ...(person ?? {}),
      skipPolicy: true,
    });
  }
  return { logins: [...DEMO_LOGINS] };
}

/**
 * Membership (adhésion): each department's rates and deadline for the last two years, and one
 * coop's membership in each state — last year's validated everywhere; this year C14001 still a
 * draft (late after 30 September), C14002 returned by the AD with its reason, C61001 submitted,
 * C61002 validated: a first start shows every state of the current year.
 */
async function seedMemberships(commands: CommandSender, current: number): Promise<void> {
  const rates = { pupil: 150, adult: 300, insurance: 40, magazine: 2500 };
  for (const year of [current - 1, current]) {
    await commands.execute(
      new SetMembershipSettings('14', { type: 'SetMembershipSettings', year, rates, deadline: `${year}-09-30` }, ctx(`membership-settings:14:${year}`)),
    );
    await commands.execute(
      new SetMembershipSettings('61', { type: 'SetMembershipSettings', year, rates, deadline: `${year}-11-10` }, ctx(`membership-settings:61:${year}`)),
    );
  }
  const run = (coopId: string, year: number, key: string, command: MembershipCommand) =>
    commands.execute(new ExecuteMembershipCommand(coopId, year, command, ctx(`membership:${coopId}:${year}:${key}`)));
  const numbers: Record<string, MembershipNumbersInput> = {
    C14001: {
      classes: [
        { name: 'CP-CE1', level: 'Cycle 2', pupils: 24, teachers: 1 },
        { name: 'CE2-CM1', level: 'Cycle 3', pupils: 26, teachers: 1 },
        { name: 'CM2', level: 'Cycle 3', pupils: 25, teachers: 2 },
      ],
      otherAdults: 2,
      magazines: 1,
      voluntary: 0,
    },
    C14002: {
      classes: [
        { name: 'PS-MS', level: 'Maternelle', pupils: 22, teachers: 1 },
        { name: 'GS', level: 'Maternelle', pupils: 20, teachers: 1 },
      ],
      otherAdults: 3,
      magazines: 0,
      voluntary: 2000,
    },
    C61001: { classes: [{ name: 'Classe unique', level: 'Cycles 1 à 3', pupils: 18, teachers: 1 }], otherAdults: 1, magazines: 1, voluntary: 5000 },
    C61002: {
      classes: [
        { name: 'CP-CE1', level: 'Cycle 2', pupils: 21, teachers: 1 },
        { name: 'CE2-CM1-CM2', level: 'Cycle 3', pupils: 23, teachers: 1 },
      ],
      otherAdults: 1,
      magazines: 1,
      voluntary: 0,
    },
  };
  const engaged: Record<string, string> = { C14001: 'Claire Martin', C14002: 'Paul Lefèvre', C61001: 'Nadia Benali', C61002: 'Luc Moreau' };
  const send = async (coopId: string, year: number) => {
    await run(coopId, year, 'numbers', { type: 'EnterMembershipNumbers', numbers: numbers[coopId] });
    await run(coopId, year, 'engagement', { type: 'GiveMembershipEngagement', name: engaged[coopId] });
    await run(coopId, year, 'submission', { type: 'SubmitMembership' });
  };
  for (const coopId of ['C14001', 'C14002', 'C61001', 'C61002']) {
    await send(coopId, current - 1);
    await run(coopId, current - 1, 'validation', { type: 'DecideMembership', decision: 'validate' });
  }
  await send('C14002', current);
  await run('C14002', current, 'return', {
    type: 'DecideMembership',
    decision: 'return',
    reason: 'La classe de MS manque : indiquez ses élèves et son enseignante sur une ligne à part.',
  });
  await send('C61001', current);
  await send('C61002', current);
  await run('C61002', current, 'validation', { type: 'DecideMembership', decision: 'validate' });
}

/** A one-page PDF standing for a scanned document of the demo. */
function demoPdf(text: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}

/** On an empty store (first start), seeds the demo so the app shows something at once. */
export async function seedDemoIfEmpty(app: INestApplicationContext): Promise<{ logins: DemoLogin[] } | null> {
  const store = app.get<EventStore>(EVENT_STORE);
  const projector = app.get<Projector>(PROJECTOR);
  // Several instances starting on one empty database: the one projecting seeds, once.
  if (!projector.active || (await store.headPosition()) !== null) return null;
  const seeded = await seedDemo({
    commands: app.get(CommandBus),
    users: app.get<UserDirectory>(USER_DIRECTORY),
    clock: app.get<Clock>(CLOCK),
    documents: app.get<DocumentFiles>(DOCUMENT_FILES, { strict: false }),
  });
  // The first page shown after start-up is the demo's: the read models must hold it already.
  const head = await store.headPosition();
  if (head !== null) await projector.waitFor(head, 60_000);
  return seeded;
}
