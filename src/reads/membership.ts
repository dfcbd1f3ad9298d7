import { Inject, Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { type Chart } from '../domain/chart';
import { DomainError } from '../domain/errors';
import { type Clock, formatFrenchDate, today, yearEnd, yearStart } from '../domain/fiscal-year';
import { centsToEuros, plainAmount } from '../domain/money';
import {
  adultsOf,
  dueNow,
  initialMembershipState,
  membershipBlockers,
  membershipLate,
  membershipPaymentLabel,
  membershipPaymentLines,
  type MembershipSettings,
  type MembershipState,
  type MembershipStatus,
  NO_DUE,
  pupilsOf,
} from '../domain/membership';
import { type EntryLine } from '../events/ledger-events';
import { type MembershipClass, type MembershipDue, type MembershipRates } from '../events/membership-events';
import { type CoopDoc } from '../projections/coops.projection';
import { departmentIdentity } from '../projections/departments.projection';
import {
  MEMBERSHIP_SETTINGS,
  MEMBERSHIPS,
  type MembershipDoc,
  membershipId,
  type MembershipSettingsDoc,
  membershipSettingsId,
} from '../projections/membership.projection';
import { type ReadStore } from '../projections/read-store';
import { CLOCK, READ_STORE } from '../tokens';
import { csvFile, csvText } from './department-views';
import { nextPj } from './notebook-models';
import { type NotebookDoc } from './notebook-read';
import { EUROS_CELL_FORMAT } from './exports';
import { membershipStatusLabel } from './status-labels';

/** A coop's membership as GET …/membership answers it (API.md), with what the page needs besides. */
export interface MembershipView {
  coopId: string;
  year: number;
  status: MembershipStatus;
  classes: MembershipClass[];
  otherAdults: number;
  magazines: number;
  voluntary: number;
  pupils: number;
  adults: number;
  due: MembershipDue;
  rates: MembershipRates | null;
  engagement: { name: string; at: string } | null;
  deadline: string | null;
  late: boolean;
  reason?: string;
  submittedOn: string | null;
  validatedOn: string | null;
  /** What still stands in the way of a submission (empty once sent). */
  blockers: Array<{ code: string; message: string }>;
}

export function membershipView(state: MembershipState, settings: MembershipSettings | null, day: string): MembershipView {
  const { numbers, status } = state;
  const sent = status === 'submitted' || status === 'validated';
  return {
    coopId: state.coopId,
    year: state.year,
    status,
    classes: numbers.classes,
    otherAdults: numbers.otherAdults,
    magazines: numbers.magazines,
    voluntary: numbers.voluntary,
    pupils: pupilsOf(numbers),
    adults: adultsOf(numbers),
    due: dueNow(state, settings),
    rates: sent && state.submitted ? state.submitted.rates : (settings?.rates ?? null),
    engagement: state.engagement,
    deadline: settings?.deadline ?? null,
    late: membershipLate(state, settings?.deadline ?? null, day),
    ...(status === 'returned' && state.reason ? { reason: state.reason } : {}),
    submittedOn: state.submittedOn,
    validatedOn: state.validatedOn,
    blockers: sent ? [] : membershipBlockers(state, settings),
  };
}

/** One coop of the AD's list (API.md's row, plus what the page filters on). */
export interface MembershipRow {
  coopId: string;
  name: string;
  status: MembershipStatus;
  /** Nothing entered yet: the membership is missing rather than in progress. */
  started: boolean;
  pupils: number;
  adults: number;
  due: MembershipDue;
  late: boolean;
  submittedOn: string | null;
  validatedOn: string | null;
  reason: string | null;
}

export interface MembershipList {
  department: string;
  year: number;
  settings: MembershipSettings | null;
  rows: MembershipRow[];
  totals: { coops: number; pupils: number; adults: number; due: MembershipDue; byStatus: Record<MembershipStatus, number>; late: number };
}

const stateOf = (doc: MembershipDoc | null, coopId: string, year: number): MembershipState => doc ?? initialMembershipState(coopId, year);

export function membershipList(
  department: string,
  year: number,
  coops: readonly CoopDoc[],
  docs: readonly MembershipDoc[],
  settings: MembershipSettings | null,
  day: string,
): MembershipList {
  const byCoop = new Map(docs.map((d) => [d.coopId, d]));
  const rows = [...coops]
    .sort((a, b) => a.coopId.localeCompare(b.coopId))
    .map((coop): MembershipRow => {
      const doc = byCoop.get(coop.coopId) ?? null;
      const view = membershipView(stateOf(doc, coop.coopId, year), settings, day);
      return {
        coopId: coop.coopId,
        name: coop.name,
        status: view.status,
        started: doc !== null,
        pupils: view.pupils,
        adults: view.adults,
        due: view.due,
        late: view.late,
        submittedOn: view.submittedOn,
        validatedOn: view.validatedOn,
        reason: view.reason ?? null,
      };
    });
  const due = { ...NO_DUE };
  for (const r of rows) for (const k of Object.keys(due) as Array<keyof MembershipDue>) due[k] += r.due[k];
  const byStatus: Record<MembershipStatus, number> = { draft: 0, submitted: 0, validated: 0, returned: 0 };
  for (const r of rows) byStatus[r.status]++;
  return {
    department,
    year,
    settings,
    rows,
    totals: {
      coops: rows.length,
      pupils: rows.reduce((s, r) => s + r.pupils, 0),
      adults: rows.reduce((s, r) => s + r.adults, 0),
      due,
      byStatus,
      late: rows.filter((r) => r.late).length,
    },
  };
}

/** The membership's cell of the AD's board: its status, "non commencée" when nothing is entered, late or not. */
export function membershipBoardCell(row: MembershipRow | undefined, settings: MembershipSettings | null): { label: string; late: boolean } {
  if (!settings) return { label: 'taux non fixés', late: false };
  if (!row) return { label: membershipStatusLabel('draft', false), late: false };
  return { label: membershipStatusLabel(row.status, row.started), late: row.late };
}

/**
 * What the mandataire's home says of the year's membership until it is sent: nothing before the AD
 * sets its rates, nothing once submitted or validated; the deadline, late past it, the AD's reason.
 */
export function membershipNotice(view: MembershipView): { title: string; message: string; late: boolean } | null {
  if (!view.rates || view.status === 'submitted' || view.status === 'validated') return null;
  const deadline = view.deadline ? formatFrenchDate(view.deadline) : null;
  const when = deadline ? (view.late ? `la date limite était le ${deadline}` : `à envoyer avant le ${deadline}`) : 'à envoyer';
  const title = `Adhésion ${view.year}-${view.year + 1} : ${view.status === 'returned' ? "renvoyée par l'association départementale" : view.late ? 'en retard' : 'à envoyer'}`;
  const message =
    view.status === 'returned'
      ? `Motif : « ${view.reason ?? ''} » — corrigez-la puis envoyez-la à nouveau (${when}).`
      : `Elle n'est pas encore envoyée : ${when}.`;
  return { title, message, late: view.late };
}

export const MEMBERSHIP_FILTERS = ['draft', 'submitted', 'validated', 'returned', 'late', 'missing'] as const;
export type MembershipFilter = (typeof MEMBERSHIP_FILTERS)[number];
export const isMembershipFilter = (value: unknown): value is MembershipFilter => MEMBERSHIP_FILTERS.includes(value as MembershipFilter);

export function filterMemberships(rows: readonly MembershipRow[], filter: MembershipFilter | null): MembershipRow[] {
  if (filter === null) return [...rows];
  if (filter === 'late') return rows.filter((r) => r.late);
  if (filter === 'missing') return rows.filter((r) => r.status === 'draft' || r.status === 'returned');
  return rows.filter((r) => r.status === filter);
}

const HEAD = [
  'Coopérative',
  'Nom',
  'Statut',
  'En retard',
  'Élèves',
  'Adultes',
  'Cotisation',
  'Assurance',
  'Revues',
  'Contribution volontaire',
  'Total',
  'Envoyée le',
  'Validée le',
];
const dateOrEmpty = (iso: string | null): string => (iso ? formatFrenchDate(iso) : '');

export function membershipsCsv(list: MembershipList): string {
  return csvFile([
    [csvText(`Adhésions du département ${list.department}`), csvText(`Année ${list.year}-${list.year + 1}`)],
    HEAD.map(csvText),
    ...list.rows.map((r) => [
      csvText(r.coopId),
      csvText(r.name),
      membershipStatusLabel(r.status),
      r.late ? 'oui' : 'non',
      String(r.pupils),
      String(r.adults),
      plainAmount(r.due.cotisation),
      plainAmount(r.due.insurance),
      plainAmount(r.due.magazines),
      plainAmount(r.due.voluntary),
      plainAmount(r.due.total),
      dateOrEmpty(r.submittedOn),
      dateOrEmpty(r.validatedOn),
    ]),
    [
      '',
      csvText('Total'),
      '',
      String(list.totals.late),
      String(list.totals.pupils),
      String(list.totals.adults),
      plainAmount(list.totals.due.cotisation),
      plainAmount(list.totals.due.insurance),
      plainAmount(list.totals.due.magazines),
      plainAmount(list.totals.due.voluntary),
      plainAmount(list.totals.due.total),
      '',
      '',
    ],
  ]);
}

/** Euros with two decimals: cells hold numbers, as the trial balance's workbook. */

export async function membershipsWorkbook(list: MembershipList): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Cahier Coop';
  const sheet = workbook.addWorksheet('Adhésions', { views: [{ state: 'frozen', ySplit: 3 }] });
  sheet.addRow([`Adhésions du département ${list.department} — année ${list.year}-${list.year + 1}`]).font = { bold: true, size: 13 };
  sheet.addRow([]);
  sheet.addRow(HEAD).font = { bold: true };
  for (const r of list.rows) {
    sheet.addRow([
      r.coopId,
      r.name,
      membershipStatusLabel(r.status),
      r.late ? 'oui' : 'non',
      r.pupils,
      r.adults,
      centsToEuros(r.due.cotisation),
      centsToEuros(r.due.insurance),
      centsToEuros(r.due.magazines),
      centsToEuros(r.due.voluntary),
      centsToEuros(r.due.total),
      dateOrEmpty(r.submittedOn),
      dateOrEmpty(r.validatedOn),
    ]);
  }
  const t = list.totals;
  sheet.addRow([
    '',
    'Total',
    '',
    t.late,
    t.pupils,
    t.adults,
    centsToEuros(t.due.cotisation),
    centsToEuros(t.due.insurance),
    centsToEuros(t.due.magazines),
    centsToEuros(t.due.voluntary),
    centsToEuros(t.due.total),
  ]).font = {
    bold: true,
  };
  sheet.getColumn(1).numFmt = '@';
  for (const c of [7, 8, 9, 10, 11]) sheet.getColumn(c).numFmt = EUROS_CELL_FORMAT;
  sheet.columns.forEach((column, i) => (column.width = i === 1 ? 36 : 14));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The payment entry as POST …/entries takes it: today, the split lines, the PJ left to the caller. */
export function membershipPaymentEntry(due: MembershipDue, chart: Chart, adName: string, year: number, date: string, pj: string) {
  const lines: EntryLine[] = membershipPaymentLines(due, chart);
  return { pj, date, label: membershipPaymentLabel(adName, year), chequeNo: null, actionA: null, actionB: null, lines };
}

/** The name the AD goes by on the attestation and the payment: its identity, else "OCCE <dept>". */
export const associationName = (identity: { name: string } | null, department: string): string => identity?.name ?? `OCCE ${department}`;

/** The membership reads over the read store: a coop's year, the department's settings and list. */
@Injectable()
export class MembershipReads {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  today(): string {
    return today(this.clock);
  }

  async settings(department: string, year: number): Promise<MembershipSettings | null> {
    const doc = await this.store.get<MembershipSettingsDoc>(MEMBERSHIP_SETTINGS, membershipSettingsId(department, year));
    return doc ? { rates: doc.rates, deadline: doc.deadline } : null;
  }

  async state(coopId: string, year: number): Promise<MembershipState> {
    return stateOf(await this.store.get<MembershipDoc>(MEMBERSHIPS, membershipId(coopId, year)), coopId, year);
  }

  async coop(coopId: string): Promise<CoopDoc> {
    const coop = await this.store.get<CoopDoc>('coops', coopId);
    if (!coop) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
    return coop;
  }

  async view(coopId: string, year: number): Promise<MembershipView & { coop: CoopDoc; association: string }> {
    const coop = await this.coop(coopId);
    const [state, settings, identity] = await Promise.all([
      this.state(coopId, year),
      this.settings(coop.department, year),
      departmentIdentity(this.store, coop.department),
    ]);
    return { ...membershipView(state, settings, this.today()), coop, association: associationName(identity, coop.department) };
  }

  async list(department: string, year: number): Promise<MembershipList> {
    const [coops, docs, settings] = await Promise.all([
      this.store.find<CoopDoc>('coops', { where: { department } }),
      this.store.find<MembershipDoc>(MEMBERSHIPS, { where: { department, year } }),
      this.settings(department, year),
    ]);
    return membershipList(department, year, coops, docs, settings, this.today());
  }

  /**
   * The payment of what is due as an entry body (as POST …/entries takes it): the notebook's next
   * PJ, today (within the year), the split lines. One source for the API and the portrait form.
   */
  async paymentEntry(coopId: string, year: number, notebook: NotebookDoc, chart: Chart) {
    const view = await this.view(coopId, year);
    const day = this.today();
    const date = day < yearStart(year) ? yearStart(year) : day > yearEnd(year) ? yearEnd(year) : day;
    return membershipPaymentEntry(view.due, chart, view.association, year, date, nextPj(notebook));
  }
}
