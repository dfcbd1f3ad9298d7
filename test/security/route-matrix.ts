/**
 * Who may call what: every route of the app × every role → the expected outcome. The matrix test
 * (route-matrix.spec.ts) lists the routes Express really has and fails on one missing here, so
 * a new route must be declared, with its access rule, before it ships.
 *
 * The subject is always coop C14001 of department 14 (year 2026). Roles, as seen from it:
 * the mandataire of that coop and of another coop (C14002), the treasurer of its department and
 * of another (61), an auditor granted department 14 and one granted only 61, an admin.
 */
export const ROLES = [
  'anonymous',
  'mandataireOwn',
  'mandataireOther',
  'treasurerOwn',
  'treasurerOther',
  'auditorGranted',
  'auditorNotGranted',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * 'ok': the request got past authentication and scope (2xx, a redirect, or a 400/409 of the rules
 * on the deliberately empty body); 401 no session; 403 may read but not do this; 404 outside scope,
 * exactly as a missing resource.
 */
export type Outcome = 'ok' | 401 | 403 | 404;

const rule = (...outcomes: Outcome[]): Record<Role, Outcome> => Object.fromEntries(ROLES.map((role, i) => [role, outcomes[i]])) as Record<Role, Outcome>;

//                                 anon  m.own  m.other  t.own  t.other  a.granted  a.not  admin
export const RULES = {
  /** Health probe, login. */
  public: rule('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
  /** Anyone logged in: their session, password, the start page. */
  session: rule(401, 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
  /** The auditor's start page: mandataires are told it is not theirs. */
  auditHome: rule(401, 403, 403, 'ok', 'ok', 'ok', 'ok', 'ok'),
  /** The department chooser: mandataires have none. */
  departmentsHome: rule(401, 404, 404, 'ok', 'ok', 'ok', 'ok', 'ok'),
  /** Reading a coop's books. */
  coopRead: rule(401, 'ok', 404, 'ok', 404, 'ok', 404, 'ok'),
  /** Changing a coop's notebook: the mandataire's job (and the admin's). */
  coopLedger: rule(401, 'ok', 404, 403, 404, 403, 404, 'ok'),
  /** Changing a coop's identity, credentials or the lock of a closed year: the department's job. */
  coopAdministration: rule(401, 403, 404, 'ok', 404, 403, 404, 'ok'),
  /** The full history and its verification: auditors and the department, not the mandataire. */
  coopAudit: rule(401, 403, 404, 'ok', 404, 'ok', 404, 'ok'),
  /** Reading the department's board and totals. */
  departmentRead: rule(401, 404, 404, 'ok', 404, 'ok', 404, 'ok'),
  /** What every user of the department reads: its membership rates (its coops' mandataires too). */
  departmentMembers: rule(401, 'ok', 'ok', 'ok', 404, 'ok', 404, 'ok'),
  /** Managing the department (coops, chart, auditors' grants), reading its management forms too. */
  departmentManage: rule(401, 404, 404, 'ok', 404, 403, 404, 'ok'),
  /** The second step of a login: nobody has a password step pending here. */
  secondStep: rule(401, 401, 401, 401, 401, 401, 401, 401),
  /** The messages sent: the admin all, a treasurer their department's (another's reads an empty list). */
  messages: rule(401, 403, 403, 'ok', 'ok', 403, 403, 'ok'),
};
export type RuleName = keyof typeof RULES;

export interface RouteEntry {
  rule: RuleName;
  /** Route parameters other than the defaults (DEFAULT_PARAMS), e.g. an id that must not exist. */
  params?: Record<string, string>;
}

/** Parameters as they appear in routes, filled with the demo's real ids. */
export const DEFAULT_PARAMS: Record<string, string> = {
  coopId: 'C14001',
  year: '2026',
  dept: '14',
  entryId: 'C14001_2026_e03',
  name: 'Photos',
  calendarYear: '2026',
  account: '6181',
  username: 'verif14',
  // A vérificateur's link: a code that opens nothing (the rules' own 404).
  code: 'AbsentCodeAbsentCodeAbsentCode00',
  messageId: 'M_ABSENT_0001',
  token: 'AbsentResetTokenAbsentResetToken00',
};

/**
 * Ids that do not exist, for routes that would destroy what they name: an allowed caller then gets
 * the rules' own "not found" (a different message from the scope's), and nothing changes.
 */
const ABSENT_ENTRY = { entryId: 'E_ABSENT_0001' };
const ABSENT_ITEM = { itemId: 'I_ABSENT_0001' };
const ABSENT_ATTACHMENT = { attachmentId: 'A_ABSENT_0001' };
const ABSENT_ACCOUNT = { account: '6999' };
const ABSENT_STATEMENT = { statementId: 'S_ABSENT_0001', lineId: 'L_ABSENT_0001' };
const ABSENT_PAYMENT = { paymentId: 'P_ABSENT_0001', depositId: 'D_ABSENT_0001' };

const api = '/api/coops/:coopId/years/:year';
const page = '/coops/:coopId/years/:year';
const dpage = '/departements/:dept';

/** "METHOD /path" exactly as Express lists it → its rule. */
export const ROUTE_MATRIX: Record<string, RouteEntry> = {
  'GET /health': { rule: 'public' },

  // ---- auth
  'POST /api/login': { rule: 'public' },
  'GET /api/session': { rule: 'session' },
  // Ending a session one does not have is harmless.
  'POST /api/logout': { rule: 'public' },
  'POST /api/password': { rule: 'session' },
  'POST /api/login/totp': { rule: 'secondStep' },
  'POST /api/account/totp': { rule: 'session' },
  'POST /api/account/totp/confirm': { rule: 'session' },
  'POST /login/code': { rule: 'public' },
  'POST /api/password-reset': { rule: 'public' },
  'POST /api/password-reset/:token': { rule: 'public' },
  'GET /mot-de-passe-oublie': { rule: 'public' },
  'POST /mot-de-passe-oublie': { rule: 'public' },
  'GET /mot-de-passe/:token': { rule: 'public' },
  'POST /mot-de-passe/:token': { rule: 'public' },
  'GET /compte/securite': { rule: 'session' },
  'POST /compte/securite/totp': { rule: 'session' },
  'POST /compte/securite/totp/confirmation': { rule: 'session' },

  // ---- messages
  'GET /api/messages': { rule: 'messages' },
  'GET /api/messages/:messageId': { rule: 'messages' },
  'GET /login': { rule: 'public' },
  'POST /login': { rule: 'public' },
  'POST /logout': { rule: 'public' },

  // ---- ledger JSON API
  [`POST ${api}/entries`]: { rule: 'coopLedger' },
  [`PUT ${api}/entries/:entryId`]: { rule: 'coopLedger' },
  [`DELETE ${api}/entries/:entryId`]: { rule: 'coopLedger', params: ABSENT_ENTRY },
  [`POST ${api}/entries/:entryId/duplicate`]: { rule: 'coopLedger' },
  [`POST ${api}/entries/:entryId/reconciliation`]: { rule: 'coopLedger', params: ABSENT_ENTRY },
  [`DELETE ${api}/entries/:entryId/reconciliation`]: { rule: 'coopLedger', params: ABSENT_ENTRY },
  [`POST ${api}/carried-over/:entryId/seen`]: { rule: 'coopLedger', params: ABSENT_ENTRY },
  [`POST ${api}/opening`]: { rule: 'coopLedger' },
  [`POST ${api}/cash-counts`]: { rule: 'coopLedger' },
  [`PUT ${api}/subsidies`]: { rule: 'coopLedger' },
  [`POST ${api}/inventory`]: { rule: 'coopLedger' },
  [`DELETE ${api}/inventory/:itemId`]: { rule: 'coopLedger', params: ABSENT_ITEM },
  [`POST ${api}/entries/:entryId/attachments`]: { rule: 'coopLedger' },
  [`GET ${api}/entries/:entryId/attachments/:attachmentId`]: { rule: 'coopRead', params: ABSENT_ATTACHMENT },
  [`POST ${api}/activities`]: { rule: 'coopLedger' },
  [`POST ${api}/closing`]: { rule: 'coopLedger' },
  // ---- family payments and deposits
  [`POST ${api}/payments`]: { rule: 'coopLedger' },
  [`GET ${api}/payments`]: { rule: 'coopRead' },
  [`PUT ${api}/payments/:paymentId`]: { rule: 'coopLedger', params: ABSENT_PAYMENT },
  [`DELETE ${api}/payments/:paymentId`]: { rule: 'coopLedger', params: ABSENT_PAYMENT },
  [`GET ${api}/payments/:paymentId/receipt.pdf`]: { rule: 'coopRead', params: ABSENT_PAYMENT },
  [`GET ${api}/receipts.pdf`]: { rule: 'coopRead' },
  [`POST ${api}/deposits`]: { rule: 'coopLedger' },
  [`GET ${api}/deposits`]: { rule: 'coopRead' },
  [`GET ${api}/deposits/:depositId/slip.pdf`]: { rule: 'coopRead', params: ABSENT_PAYMENT },

  [`POST ${api}/statements/preview`]: { rule: 'coopLedger' },
  [`POST ${api}/statements`]: { rule: 'coopLedger' },
  [`GET ${api}/statements`]: { rule: 'coopRead' },
  [`GET ${api}/statements/:statementId`]: { rule: 'coopRead', params: ABSENT_STATEMENT },
  [`GET ${api}/statements/:statementId/file`]: { rule: 'coopRead', params: ABSENT_STATEMENT },
  [`POST ${api}/statements/:statementId/matches`]: { rule: 'coopLedger', params: ABSENT_STATEMENT },
  [`DELETE ${api}/statements/:statementId/lines/:lineId/match`]: { rule: 'coopLedger', params: ABSENT_STATEMENT },
  [`DELETE ${api}/statements/:statementId`]: { rule: 'coopLedger', params: ABSENT_STATEMENT },
  [`GET ${api}/bank-reconciliation`]: { rule: 'coopRead' },
  [`GET ${api}/bank-reconciliation.pdf`]: { rule: 'coopRead' },
  [`GET ${api}/grid`]: { rule: 'coopRead' },
  [`GET ${api}/breakdown`]: { rule: 'coopRead' },
  [`GET ${api}/actions`]: { rule: 'coopRead' },
  [`GET ${api}/actions/:name`]: { rule: 'coopRead' },
  [`GET ${api}/actions/:name/print.pdf`]: { rule: 'coopRead' },
  [`GET ${api}/actions/:name/export.csv`]: { rule: 'coopRead' },
  [`GET ${api}/actions/:name/export.xlsx`]: { rule: 'coopRead' },
  [`GET ${api}/advances`]: { rule: 'coopRead' },
  [`GET ${api}/checklist`]: { rule: 'coopRead' },
  [`GET ${api}/crf`]: { rule: 'coopRead' },
  [`GET ${api}/cra`]: { rule: 'coopRead' },
  [`GET ${api}/export.csv`]: { rule: 'coopRead' },
  [`GET ${api}/fec.txt`]: { rule: 'coopRead' },
  [`GET ${api}/fec-notice.txt`]: { rule: 'coopRead' },
  [`GET ${api}/print.pdf`]: { rule: 'coopRead' },
  [`GET ${api}/crf.pdf`]: { rule: 'coopRead' },
  'GET /api/coops/:coopId/years': { rule: 'coopRead' },

  // ---- year's end: quitus and submission
  [`POST ${api}/quitus/invitations`]: { rule: 'coopLedger' },
  [`GET ${api}/quitus`]: { rule: 'coopRead' },
  [`POST ${api}/submission/documents`]: { rule: 'coopLedger' },
  [`GET ${api}/submission`]: { rule: 'coopRead' },
  [`POST ${api}/submission`]: { rule: 'coopLedger' },
  'GET /api/departments/:dept/years/:year/submissions': { rule: 'departmentRead' },
  'POST /api/departments/:dept/coops/:coopId/years/:year/submission/decision': { rule: 'departmentManage' },
  // The vérificateur holds a code, not a login: the code is the credential.
  [`GET ${api}/submission/versions/:version/crf`]: { rule: 'coopRead', params: { version: '1' } },
  [`GET ${api}/submission/versions/:version/crf.pdf`]: { rule: 'coopRead', params: { version: '1' } },
  'GET /api/coops/:coopId/calendar-years/:calendarYear/report.pdf': { rule: 'coopRead' },
  'GET /api/quitus/:code': { rule: 'public' },
  'POST /api/quitus/:code': { rule: 'public' },
  'GET /api/coops/:coopId/calendar-years/:calendarYear': { rule: 'coopRead' },

  // ---- coop administration and audit
  'PUT /api/coops/:coopId/identity': { rule: 'coopAdministration' },
  'PUT /api/coops/:coopId/contact': { rule: 'coopLedger' },
  'GET /api/coops/:coopId/mandataires': { rule: 'coopRead' },
  'POST /api/coops/:coopId/mandataires': { rule: 'coopAdministration' },
  'POST /api/coops/:coopId/mandataires/:username/end': { rule: 'coopAdministration', params: { username: 'absent_login' } },
  'POST /api/coops/:coopId/password': { rule: 'coopAdministration' },
  [`POST ${api}/unlock`]: { rule: 'coopAdministration' },
  [`POST ${api}/lock`]: { rule: 'coopAdministration' },
  'GET /api/coops/:coopId/history': { rule: 'coopAudit' },
  'GET /api/coops/:coopId/verify': { rule: 'coopAudit' },

  // ---- department JSON API
  'GET /api/departments/:dept/years/:year/chart': { rule: 'departmentRead' },
  'POST /api/departments/:dept/years/:year/chart/accounts': { rule: 'departmentManage' },
  'PUT /api/departments/:dept/years/:year/chart/accounts/:account': { rule: 'departmentManage', params: ABSENT_ACCOUNT },
  'DELETE /api/departments/:dept/years/:year/chart/accounts/:account': { rule: 'departmentManage', params: ABSENT_ACCOUNT },
  'POST /api/departments/:dept/coops': { rule: 'departmentManage' },
  'GET /api/departments/:dept/coops': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/board': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/board.csv': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/totals': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/totals.csv': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/totals/:account': { rule: 'departmentRead' },
  'POST /api/departments/:dept/auditors/:username/grants': { rule: 'departmentManage' },
  'GET /api/departments/:dept/identity': { rule: 'departmentRead' },
  'PUT /api/departments/:dept/identity': { rule: 'departmentManage' },
  'GET /api/departments/:dept/years/:year/fec.txt': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/fec-notice.txt': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/trial-balance': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/trial-balance.xlsx': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/completeness': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/completeness.csv': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/membership-settings': { rule: 'departmentMembers' },
  'PUT /api/departments/:dept/years/:year/membership-settings': { rule: 'departmentManage' },
  'GET /api/coops/:coopId/years/:year/membership': { rule: 'coopRead' },
  'PUT /api/coops/:coopId/years/:year/membership': { rule: 'coopLedger' },
  'POST /api/coops/:coopId/years/:year/membership/engagement': { rule: 'coopLedger' },
  'POST /api/coops/:coopId/years/:year/membership/submission': { rule: 'coopLedger' },
  'GET /api/coops/:coopId/years/:year/membership/attestation.pdf': { rule: 'coopRead' },
  'GET /api/coops/:coopId/years/:year/membership/payment-entry': { rule: 'coopRead' },
  'POST /api/departments/:dept/coops/:coopId/years/:year/membership/decision': { rule: 'departmentManage' },
  'GET /api/departments/:dept/years/:year/memberships': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/memberships.xlsx': { rule: 'departmentRead' },
  'GET /api/departments/:dept/years/:year/memberships.csv': { rule: 'departmentRead' },

  // ---- the mandataire's pages
  'GET /': { rule: 'session' },
  'GET /coops/:coopId': { rule: 'coopRead' },
  [`GET ${page}`]: { rule: 'coopRead' },
  'GET /coops/:coopId/archives': { rule: 'coopRead' },
  'GET /coops/:coopId/identite': { rule: 'coopRead' },
  'POST /coops/:coopId/identite': { rule: 'coopLedger' },
  'GET /coops/:coopId/annees-civiles/:calendarYear': { rule: 'coopRead' },
  [`GET ${page}/aide`]: { rule: 'coopRead' },
  [`GET ${page}/cloture`]: { rule: 'coopRead' },
  // The forms of a change are refused to those who may not make it.
  [`GET ${page}/cloture/confirmation`]: { rule: 'coopLedger' },
  [`POST ${page}/cloture`]: { rule: 'coopLedger' },
  [`GET ${page}/cahier`]: { rule: 'coopRead' },
  [`POST ${page}/cahier`]: { rule: 'coopLedger' },
  [`POST ${page}/cahier/:entryId`]: { rule: 'coopLedger' },
  [`GET ${page}/ventilation`]: { rule: 'coopRead' },
  [`POST ${page}/ventilation`]: { rule: 'coopLedger' },
  [`POST ${page}/ventilation/:entryId`]: { rule: 'coopLedger' },
  [`GET ${page}/ecritures/nouvelle`]: { rule: 'coopRead' },
  [`POST ${page}/ecritures`]: { rule: 'coopLedger' },
  [`GET ${page}/ecritures/:entryId`]: { rule: 'coopRead' },
  [`POST ${page}/ecritures/:entryId`]: { rule: 'coopLedger' },
  [`GET ${page}/ecritures/:entryId/suppression`]: { rule: 'coopLedger' },
  [`POST ${page}/ecritures/:entryId/suppression`]: { rule: 'coopLedger', params: ABSENT_ENTRY },
  [`GET ${page}/ecritures/:entryId/duplication`]: { rule: 'coopLedger' },
  [`POST ${page}/ecritures/:entryId/duplication`]: { rule: 'coopLedger' },
  [`POST ${page}/ecritures/:entryId/pointage`]: { rule: 'coopLedger', params: ABSENT_ENTRY },
  [`POST ${page}/ecritures/:entryId/depointage`]: { rule: 'coopLedger', params: ABSENT_ENTRY },
  [`POST ${page}/reports/:entryId/vu`]: { rule: 'coopLedger', params: ABSENT_ENTRY },
  [`POST ${page}/ecritures/:entryId/pieces`]: { rule: 'coopLedger' },
  [`GET ${page}/ecritures/:entryId/pieces/:attachmentId`]: { rule: 'coopRead', params: ABSENT_ATTACHMENT },
  [`GET ${page}/adhesion`]: { rule: 'coopRead' },
  [`POST ${page}/adhesion`]: { rule: 'coopLedger' },
  [`GET ${page}/encaissements`]: { rule: 'coopRead' },
  [`POST ${page}/encaissements`]: { rule: 'coopLedger' },
  [`GET ${page}/encaissements/:paymentId/modifier`]: { rule: 'coopRead', params: ABSENT_PAYMENT },
  [`POST ${page}/encaissements/:paymentId/modifier`]: { rule: 'coopLedger', params: ABSENT_PAYMENT },
  [`POST ${page}/encaissements/:paymentId/supprimer`]: { rule: 'coopLedger', params: ABSENT_PAYMENT },
  [`GET ${page}/encaissements/remise`]: { rule: 'coopRead' },
  [`POST ${page}/encaissements/remise`]: { rule: 'coopLedger' },
  [`GET ${page}/encaissements/actions`]: { rule: 'coopRead' },
  [`GET ${page}/caisse`]: { rule: 'coopRead' },
  [`POST ${page}/caisse`]: { rule: 'coopLedger' },
  [`GET ${page}/subventions`]: { rule: 'coopRead' },
  [`POST ${page}/subventions`]: { rule: 'coopLedger' },
  [`GET ${page}/inventaire`]: { rule: 'coopRead' },
  [`POST ${page}/inventaire`]: { rule: 'coopLedger' },
  [`POST ${page}/inventaire/:itemId/sortie`]: { rule: 'coopLedger', params: ABSENT_ITEM },
  [`GET ${page}/regies`]: { rule: 'coopRead' },
  [`GET ${page}/releves`]: { rule: 'coopRead' },
  [`POST ${page}/releves/apercu`]: { rule: 'coopLedger' },
  [`POST ${page}/releves`]: { rule: 'coopLedger' },
  [`POST ${page}/releves/papier`]: { rule: 'coopLedger' },
  [`GET ${page}/releves/:statementId`]: { rule: 'coopRead', params: ABSENT_STATEMENT },
  [`POST ${page}/releves/:statementId/confirmer`]: { rule: 'coopLedger', params: ABSENT_STATEMENT },
  [`POST ${page}/releves/:statementId/supprimer`]: { rule: 'coopLedger', params: ABSENT_STATEMENT },
  [`POST ${page}/releves/:statementId/lignes/:lineId/pointer`]: { rule: 'coopLedger', params: ABSENT_STATEMENT },
  [`POST ${page}/releves/:statementId/lignes/:lineId/depointer`]: { rule: 'coopLedger', params: ABSENT_STATEMENT },
  [`POST ${page}/releves/:statementId/lignes/:lineId/ecriture`]: { rule: 'coopLedger', params: ABSENT_STATEMENT },
  [`GET ${page}/rapprochement`]: { rule: 'coopRead' },
  [`GET ${page}/ouverture`]: { rule: 'coopRead' },
  [`POST ${page}/ouverture`]: { rule: 'coopLedger' },
  [`GET ${page}/actions`]: { rule: 'coopRead' },
  [`GET ${page}/actions/:name`]: { rule: 'coopRead' },
  [`GET ${page}/crf`]: { rule: 'coopRead' },
  [`GET ${page}/cra`]: { rule: 'coopRead' },
  [`POST ${page}/cra`]: { rule: 'coopLedger' },
  [`GET ${page}/quitus`]: { rule: 'coopRead' },
  [`POST ${page}/quitus`]: { rule: 'coopLedger' },
  [`GET ${page}/depot`]: { rule: 'coopRead' },
  [`POST ${page}/depot`]: { rule: 'coopLedger' },
  [`POST ${page}/depot/documents`]: { rule: 'coopLedger' },
  [`POST ${page}/ouverture/vue`]: { rule: 'coopLedger' },
  [`GET ${page}/depot/documents/:documentId`]: { rule: 'coopRead', params: { documentId: 'D_ABSENT_0001' } },

  // ---- the vérificateur's pages: the code in the link is the credential
  'GET /quitus/:code': { rule: 'public' },
  'POST /quitus/:code': { rule: 'public' },
  'GET /quitus/:code/lettre': { rule: 'public' },
  'GET /quitus/:code/pieces/:entryId/:attachmentId': { rule: 'public', params: ABSENT_ATTACHMENT },

  // ---- the auditor's pages
  'GET /audit': { rule: 'auditHome' },
  'GET /audit/coops/:coopId': { rule: 'coopAudit' },
  'GET /audit/coops/:coopId/historique': { rule: 'coopAudit' },
  'GET /audit/coops/:coopId/consultation': { rule: 'coopAudit' },
  'GET /audit/coops/:coopId/verification': { rule: 'coopAudit' },
  'GET /audit/coops/:coopId/attestation.pdf': { rule: 'coopAudit' },

  // ---- the department's pages
  'GET /departements': { rule: 'departmentsHome' },
  [`GET ${dpage}`]: { rule: 'departmentRead' },
  [`GET ${dpage}/annees/:year/tableau`]: { rule: 'departmentRead' },
  [`GET ${dpage}/annees/:year/comptes`]: { rule: 'departmentRead' },
  [`GET ${dpage}/annees/:year/comptes.pdf`]: { rule: 'departmentRead' },
  [`GET ${dpage}/annees/:year/comptes/:account`]: { rule: 'departmentRead' },
  [`GET ${dpage}/annees/:year/balance`]: { rule: 'departmentRead' },
  [`GET ${dpage}/annees/:year/balance.pdf`]: { rule: 'departmentRead' },
  [`GET ${dpage}/annees/:year/balance/comptes/:account`]: { rule: 'departmentRead' },
  [`GET ${dpage}/annees/:year/balance/cooperatives/:coopId`]: { rule: 'departmentRead' },
  [`GET ${dpage}/annees/:year/completude`]: { rule: 'departmentRead' },
  [`POST ${dpage}/annees/:year/completude/message`]: { rule: 'departmentManage' },
  [`GET ${dpage}/annees/:year/plan-comptable`]: { rule: 'departmentManage' },
  [`POST ${dpage}/annees/:year/plan-comptable`]: { rule: 'departmentManage' },
  [`POST ${dpage}/annees/:year/plan-comptable/:account/libelle`]: { rule: 'departmentManage', params: ABSENT_ACCOUNT },
  [`GET ${dpage}/annees/:year/plan-comptable/:account/retrait`]: { rule: 'departmentManage' },
  [`POST ${dpage}/annees/:year/plan-comptable/:account/retrait`]: { rule: 'departmentManage', params: ABSENT_ACCOUNT },
  [`GET ${dpage}/cooperatives`]: { rule: 'departmentManage' },
  [`GET ${dpage}/cooperatives/nouvelle`]: { rule: 'departmentManage' },
  [`POST ${dpage}/cooperatives`]: { rule: 'departmentManage' },
  [`GET ${dpage}/cooperatives/:coopId`]: { rule: 'departmentManage' },
  [`POST ${dpage}/cooperatives/:coopId/identite`]: { rule: 'departmentManage' },
  [`POST ${dpage}/cooperatives/:coopId/mot-de-passe`]: { rule: 'departmentManage' },
  [`POST ${dpage}/cooperatives/:coopId/mandataires`]: { rule: 'departmentManage' },
  [`POST ${dpage}/cooperatives/:coopId/mandataires/:username/fin`]: { rule: 'departmentManage', params: { username: 'absent_login' } },
  [`GET ${dpage}/cooperatives/:coopId/annees/:year/reouverture`]: { rule: 'departmentManage' },
  [`POST ${dpage}/cooperatives/:coopId/annees/:year/reouverture`]: { rule: 'departmentManage' },
  [`GET ${dpage}/cooperatives/:coopId/annees/:year/verrouillage`]: { rule: 'departmentManage' },
  [`POST ${dpage}/cooperatives/:coopId/annees/:year/verrouillage`]: { rule: 'departmentManage' },
  [`GET ${dpage}/verificateurs`]: { rule: 'departmentManage' },
  [`GET ${dpage}/annees/:year/depots`]: { rule: 'departmentRead' },
  [`POST ${dpage}/cooperatives/:coopId/annees/:year/depot`]: { rule: 'departmentManage' },
  [`GET ${dpage}/annees/:year/adhesions`]: { rule: 'departmentRead' },
  [`POST ${dpage}/annees/:year/adhesions/tarifs`]: { rule: 'departmentManage' },
  [`POST ${dpage}/cooperatives/:coopId/annees/:year/adhesion`]: { rule: 'departmentManage' },
  [`POST ${dpage}/cooperatives/:coopId/annees/:year/adhesion/decision`]: { rule: 'departmentManage' },
  [`POST ${dpage}/verificateurs`]: { rule: 'departmentManage' },
  [`GET ${dpage}/association`]: { rule: 'departmentManage' },
  [`POST ${dpage}/association`]: { rule: 'departmentManage' },
  [`GET ${dpage}/messages`]: { rule: 'departmentManage' },
  [`GET ${dpage}/messages/:messageId`]: { rule: 'departmentManage' },
};

/** Changes whose credential is in their URL (a vérificateur's code): no session, so no CSRF token. */
export const CREDENTIAL_IN_URL = new Set(['POST /api/quitus/:code']);

/** Requests that end the caller's session: its roles log in again afterwards. */
export const ENDS_SESSION = new Set(['POST /api/logout', 'POST /logout']);
