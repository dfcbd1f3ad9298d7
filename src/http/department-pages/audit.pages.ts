import { Controller, Get, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock, currentFiscalYear, formatFrenchDate, today } from '../../domain/fiscal-year';
import { EventStore } from '../../events/event-store';
import { coopHistory } from '../../events/history';
import { ALL_PROJECTIONS } from '../../projections';
import { badDocumentSentence, verifyCoop } from '../../projections/read-model-check';
import { CoopDoc } from '../../projections/coops.projection';
import { RecordedEvent } from '../../events/envelope';
import { breakdownView, gridView } from '../../reads/ledger-views';
import { ReadStore } from '../../projections/read-store';
import { CLOCK, EVENT_STORE, READ_STORE } from '../../tokens';
import { Authenticated, CoopScopeGuard, CurrentUser, auditOnly } from '../auth/guards';
import { canReadCoop } from '../auth/scope';
import { SessionUser } from '../../users/user-directory';
import { ApiError } from '../errors.filter';
import { LedgerReads } from '../../reads/ledger-reads';
import { yearParam } from '../params';
import { Views } from '../views';
import {
  asOfMoment,
  filterHistory,
  historyFilter,
  historyFilterChoices,
  historyRows,
  parisInputValue,
  parisMoment,
  verificationView,
} from '../../reads/audit-views';
import { PrintService } from '../print.service';
import { yearStatusLabel } from '../../reads/status-labels';
import { auditBase, explainBlocker } from './department-view';

const NAV = [
  { key: 'coop', path: '', label: "Vue d'ensemble" },
  { key: 'history', path: '/historique', label: 'Historique' },
  { key: 'asOf', path: '/consultation', label: 'Consultation à une date' },
  { key: 'verify', path: '/verification', label: 'Vérification' },
];

/**
 * The auditor's pages (read by the treasurer too): a coop's full history, its books as they stood
 * at a chosen moment (the same reducers, folded up to then), the proof of its hash chains and the
 * attestation of a successful proof. Read-only: no form but navigation.
 */
@Controller('audit')
export class AuditPagesController {
  constructor(
    private readonly views: Views,
    private readonly reads: LedgerReads,
    private readonly print: PrintService,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The coops the user may audit. */
  @Get()
  @Authenticated()
  async index(@CurrentUser() user: SessionUser, @Res() res: Response) {
    auditOnly(user);
    const all = await this.store.find<CoopDoc>('coops');
    const coops = all
      .filter((c) => canReadCoop(user, c))
      .sort((a, b) => a.department.localeCompare(b.department) || a.name.localeCompare(b.name, 'fr'))
      .map((c) => ({ ...c, href: auditBase(c.coopId) }));
    this.views.render(res, 'audit/index', { title: 'Coopératives à vérifier', coops });
  }

  @Get('coops/:coopId')
  @UseGuards(CoopScopeGuard)
  async coop(@Param('coopId') coopId: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    auditOnly(user);
    const coop = await this.coopOf(coopId);
    const years = await this.reads.years(coopId, Math.max(coop.firstYear, currentFiscalYear(this.clock)));
    this.render(res, coop, 'audit/coop', 'coop', {
      title: `Vérification — ${coop.name}`,
      years: years.map((y) => ({
        ...y,
        name: `${y.year}-${y.year + 1}`,
        statusLabel: yearStatusLabel(y.status),
        href: `${auditBase(coopId)}/consultation?year=${y.year}`,
      })),
      picker: this.picker(
        coopId,
        years.map((y) => y.year),
        years[0]?.year ?? coop.firstYear,
        null,
      ),
    });
  }

  @Get('coops/:coopId/historique')
  @UseGuards(CoopScopeGuard)
  async history(@Param('coopId') coopId: string, @Query() query: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    auditOnly(user);
    const coop = await this.coopOf(coopId);
    const events: RecordedEvent[] = [];
    for await (const event of coopHistory(this.eventStore, { coopId, currentYear: currentFiscalYear(this.clock) })) events.push(event);
    const all = historyRows(events);
    const filter = historyFilter(query);
    const rows = filterHistory(all, filter).map((r) => ({
      ...r,
      asOfHref: r.year === null ? null : `${auditBase(coopId)}/consultation?year=${r.year}&asOf=${encodeURIComponent(r.at)}`,
    }));
    this.render(res, coop, 'audit/history', 'history', {
      title: `Historique — ${coop.name}`,
      rows,
      count: all.length,
      filtered: rows.length !== all.length,
      filters: { action: `${auditBase(coopId)}/historique`, ...historyFilterChoices(all, filter) },
    });
  }

  /** The year's books as they stood at `asOf` (now when absent), read-only. */
  @Get('coops/:coopId/consultation')
  @UseGuards(CoopScopeGuard)
  async asOf(@Param('coopId') coopId: string, @Query() query: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    auditOnly(user);
    const coop = await this.coopOf(coopId);
    const current = Math.max(coop.firstYear, currentFiscalYear(this.clock));
    const year = typeof query.year === 'string' && query.year ? yearParam(query.year) : current;
    const asOf = typeof query.asOf === 'string' && query.asOf ? asOfMoment(query.asOf) : null;
    const reads = await this.reads.year(coopId, year, asOf);
    const checklist = await this.reads.checklist(reads.coop, year, reads.source);
    const grid = gridView(reads.notebook, reads.chart, { order: 'date' });
    const years: number[] = [];
    for (let y = current; y >= coop.firstYear; y--) years.push(y);
    const api = `/api/coops/${encodeURIComponent(coopId)}/years/${year}`;
    const suffix = asOf ? `?asOf=${encodeURIComponent(asOf)}` : '';
    this.render(res, coop, 'audit/as-of', 'asOf', {
      title: `Comptes ${year}-${year + 1}${asOf ? ` au ${parisMoment(asOf)}` : ''} — ${reads.coop.name}`,
      coopAt: reads.coop,
      yearName: `${year}-${year + 1}`,
      asOfLabel: asOf ? parisMoment(asOf) : null,
      statusLabel: yearStatusLabel(reads.notebook.status),
      grid,
      rows: grid.rows.map((r) => ({
        ...r,
        lines: r.lines.map((l) => ({ ...l, side: l.debit ? 'débit' : 'crédit', amount: l.debit ?? l.credit ?? 0 })),
      })),
      breakdown: breakdownView(reads.notebook, reads.chart),
      // A closed year's only "blocker" is being closed: nothing to say then.
      blockers: checklist.blockers.filter((b) => b.code !== 'YEAR_CLOSED').map((b) => ({ ...b, ...explainBlocker(b.code), explanation: b.message })),
      picker: this.picker(coopId, years, year, asOf),
      links: [
        { href: `${api}/print.pdf${suffix}`, label: 'Cahier imprimable (PDF)' },
        { href: `${api}/crf.pdf${suffix}`, label: 'Compte-rendu financier (PDF)' },
        { href: `${api}/export.csv${suffix}`, label: 'Export du cahier (CSV)' },
        { href: `${api}/fec.txt${suffix}`, label: 'Fichier des écritures comptables (FEC)' },
      ],
      liveHref: `/coops/${encodeURIComponent(coopId)}/years/${year}`,
    });
  }

  @Get('coops/:coopId/verification')
  @UseGuards(CoopScopeGuard)
  async verify(@Param('coopId') coopId: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    auditOnly(user);
    const coop = await this.coopOf(coopId);
    const check = await verifyCoop(this.eventStore, this.store, { coopId, currentYear: currentFiscalYear(this.clock) }, ALL_PROJECTIONS);
    this.render(res, coop, 'audit/verify', 'verify', {
      title: `Vérification de l'historique — ${coop.name}`,
      check: verificationView(check, coop.coopId),
      checkedAt: parisMoment(this.clock.now().toISOString()),
      attestationHref: `${auditBase(coopId)}/attestation.pdf`,
      historyHref: `${auditBase(coopId)}/historique`,
    });
  }

  /** The attestation of a successful verification; none for a broken history (409). */
  @Get('coops/:coopId/attestation.pdf')
  @UseGuards(CoopScopeGuard)
  async attestation(@Param('coopId') coopId: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    auditOnly(user);
    const coop = await this.coopOf(coopId);
    const check = await verifyCoop(this.eventStore, this.store, { coopId, currentYear: currentFiscalYear(this.clock) }, ALL_PROJECTIONS);
    if (check.firstBadEvent) {
      const bad = check.firstBadEvent;
      throw new ApiError(409, {
        error: 'conflict',
        code: 'HISTORY_BROKEN',
        message: `Attestation impossible : l'historique est altéré à partir de l'événement ${bad.stream} n° ${bad.revision} (${bad.reason}).`,
      });
    }
    if (check.firstBadDocument) {
      throw new ApiError(409, {
        error: 'conflict',
        code: 'READ_MODELS_ALTERED',
        message: `Attestation impossible : ${badDocumentSentence(check.firstBadDocument)}.`,
      });
    }
    const now = this.clock.now().toISOString();
    await this.print.send(res, {
      template: 'attestation',
      landscape: false,
      layout: false,
      model: {
        coop,
        check: verificationView(check, coop.coopId),
        verifiedAt: parisMoment(now),
        verifiedOn: formatFrenchDate(today(this.clock)),
        verifiedAtIso: now,
        verifier: user.username,
      },
      title: `Attestation d'intégrité — ${coop.name}`,
      footer: `${coop.name} — vérifié le ${formatFrenchDate(today(this.clock))}`,
      fileName: `attestation-${coop.coopId}-${today(this.clock)}.pdf`,
    });
  }

  private async coopOf(coopId: string): Promise<CoopDoc> {
    const source = await this.reads.source(coopId);
    return (await source.get<CoopDoc>('coops', coopId))!;
  }

  private picker(coopId: string, years: number[], year: number, asOf: string | null) {
    return {
      action: `${auditBase(coopId)}/consultation`,
      years: years.map((y) => ({ year: y, name: `${y}-${y + 1}`, selected: y === year })),
      value: asOf ? parisInputValue(asOf) : '',
    };
  }

  private render(res: Response, coop: CoopDoc, template: string, nav: string, model: Record<string, unknown>): void {
    const req = res.req as Request;
    const user = req.user as SessionUser;
    const links = NAV.map((n) => ({ href: `${auditBase(coop.coopId)}${n.path}`, label: n.label, current: n.key === nav }));
    if (user.role === 'auditor') links.unshift({ href: '/audit', label: 'Mes coopératives', current: false });
    else links.unshift({ href: `/departements/${encodeURIComponent(coop.department)}`, label: 'Département', current: false });
    this.views.render(res, template, { coop, auditBase: auditBase(coop.coopId), navLinks: links, ...model });
  }
}
