import { Inject, Injectable } from '@nestjs/common';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import { CommandContext } from '../../commands/command-context';
import { ChangeCoopIdentity, ChangeMandate, RegisterCoop } from '../../commands/coop.commands';
import { ExecuteLedgerCommand } from '../../commands/ledger.commands';
import { coopExists, CoopIdentityInput, mandataireErrors, mandateEndDate, registrationErrors } from '../../domain/coop';
import { DomainError, ValidationFailed } from '../../domain/errors';
import { Clock, currentFiscalYear, today } from '../../domain/fiscal-year';
import { ID_PATTERN } from '../../events/streams';
import { CoopDoc } from '../../projections/coops.projection';
import { ReadStore } from '../../projections/read-store';
import { CLOCK, READ_STORE } from '../../tokens';
import { passwordPolicyError } from '../../users/passwords';
import { Grants, MandataireLogin, SessionUser, UserDirectory, USERNAME_PATTERN } from '../../users/user-directory';

export interface NewCoop {
  coopId?: unknown;
  name?: unknown;
  school?: unknown;
  uai?: unknown;
  mandataires?: unknown;
  username?: unknown;
  password?: unknown;
  firstYear?: unknown;
}

export interface AuditorSummary {
  username: string;
  department: string | null;
  grants: Grants;
}

const unknownUser = (): DomainError => new DomainError('USER_NOT_FOUND', "Aucun mandataire de cette coopérative n'a cet identifiant.", 'username', 'not_found');

const strings = (value: unknown, field: string): string[] => {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'string' && ID_PATTERN.test(v))) {
    throw new DomainError('GRANT_INVALID', 'Donnez une liste d’identifiants (lettres, chiffres ou « _ »).', field);
  }
  return [...new Set(list as string[])];
};

/**
 * What the department does to its coops, shared by the JSON API and the treasurer's pages:
 * register a coop with its login, keep its identity, reset a mandataire's password, unlock and
 * lock a closed year, and grant auditors. Scope is the guards' job; this checks the targets.
 */
@Injectable()
export class CoopAdministration {
  constructor(
    private readonly commands: ProjectedCommandBus,
    private readonly users: UserDirectory,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  coop(coopId: string): Promise<CoopDoc | null> {
    return this.store.get<CoopDoc>('coops', coopId);
  }

  /** The coop and its login, refusing a bad login before anything is recorded. */
  async registerCoop(department: string, input: NewCoop, context: CommandContext): Promise<{ coopId: string; firstYear: number; username: string }> {
    const coopId = typeof input.coopId === 'string' ? input.coopId.trim() : '';
    const username = typeof input.username === 'string' ? input.username.trim() : '';
    const password = typeof input.password === 'string' ? input.password : '';
    const firstYear = input.firstYear === undefined || input.firstYear === '' ? currentFiscalYear(this.clock) : Number(input.firstYear);
    const identity: CoopIdentityInput = { name: input.name, school: input.school, uai: input.uai, mandataires: input.mandataires };
    const command = { type: 'RegisterCoop' as const, coopId, department, firstYear, identity };
    // Every problem of the form at once, the coop's and its login's, before anything is recorded.
    const errors = [...registrationErrors(command)];
    if (errors.every((e) => e.field !== 'coopId') && (await this.coop(coopId))) errors.push(coopExists(coopId));
    if (!Number.isInteger(firstYear) || firstYear < 2000 || firstYear > 2200) {
      errors.push(new DomainError('FIRST_YEAR_INVALID', 'Le premier exercice est une année (ex. 2025 pour 2025-2026).', 'firstYear'));
    }
    errors.push(...(await this.users.newLoginErrors(username, password)));
    // Alone, a taken identifier is the conflict it is (409 in JSON); with others, one 400 lists them all.
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new ValidationFailed(errors);
    await this.commands.execute(new RegisterCoop(command, context));
    await this.users.create({ username, password, role: 'mandataire', coopId, department });
    return { coopId, firstYear, username };
  }

  async changeIdentity(coopId: string, identity: CoopIdentityInput, context: CommandContext): Promise<void> {
    await this.commands.execute(new ChangeCoopIdentity(coopId, { type: 'ChangeCoopIdentity', identity }, context));
  }

  /**
   * The coop's mandataires, present and past. A shared login of old (no name recorded) is the
   * first mandataire's: it shows the first name of the coop's identity.
   */
  async mandataires(coopId: string): Promise<MandataireLogin[]> {
    const logins = await this.users.mandatairesOf(coopId);
    const legacyName = (await this.coop(coopId))?.mandataires[0] ?? null;
    return logins.map((l) => (l.name === null ? { ...l, name: legacyName } : l));
  }

  /** A personal login for a new mandataire, and the appointment on the coop's stream; a bad login records nothing. */
  async appointMandataire(coopId: string, input: { username?: unknown; name?: unknown; email?: unknown; password?: unknown }, context: CommandContext) {
    const coop = await this.coop(coopId);
    if (!coop) throw new DomainError('NOT_FOUND', 'Coopérative introuvable.', undefined, 'not_found');
    const username = typeof input.username === 'string' ? input.username.trim() : '';
    const password = typeof input.password === 'string' ? input.password : '';
    const errors = [...(await this.users.newLoginErrors(username, password)), ...mandataireErrors(input)];
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new ValidationFailed(errors);
    const since = today(this.clock);
    await this.commands.execute(new ChangeMandate(coopId, { type: 'AppointMandataire', username, name: input.name, email: input.email, since }, context));
    await this.users.create({
      username,
      password,
      role: 'mandataire',
      coopId,
      department: coop.department,
      name: String(input.name).trim(),
      email: String(input.email).trim().toLowerCase(),
      since,
    });
    return { username, since };
  }

  /** Ends a mandate from `date` (default today): the event first, then the login's access. */
  async endMandate(coopId: string, username: string, date: unknown, context: CommandContext): Promise<{ username: string; until: string }> {
    const target = USERNAME_PATTERN.test(username) ? (await this.users.mandatairesOf(coopId)).find((m) => m.username === username) : undefined;
    if (!target) throw unknownUser();
    const until = mandateEndDate(date, today(this.clock));
    await this.commands.execute(new ChangeMandate(coopId, { type: 'EndMandate', username, until, today: today(this.clock) }, context));
    await this.users.endMandate(username, until);
    return { username, until };
  }

  /** The logins of the coop's mandataires (accounts live in the account store, not the read models). */
  async logins(coopId: string): Promise<string[]> {
    return (await this.users.mandatairesOf(coopId)).map((m) => m.username);
  }

  /** A new password for one of the coop's mandataires: their open sessions end (passwordVersion). */
  async resetPassword(coopId: string, username: unknown, password: unknown): Promise<void> {
    const target = typeof username === 'string' && USERNAME_PATTERN.test(username) ? await this.users.get(username) : null;
    if (!target || target.role !== 'mandataire' || target.coopId !== coopId) throw unknownUser();
    const weak = passwordPolicyError(typeof password === 'string' ? password : '');
    if (weak) throw new DomainError('PASSWORD_WEAK', weak, 'password');
    await this.users.setPassword(target.username, password as string);
  }

  async unlockYear(coopId: string, year: number, reason: unknown, context: CommandContext): Promise<void> {
    await this.commands.execute(new ExecuteLedgerCommand(coopId, year, { type: 'UnlockYear', reason: typeof reason === 'string' ? reason : '' }, context));
  }

  async lockYear(coopId: string, year: number, context: CommandContext): Promise<void> {
    await this.commands.execute(new ExecuteLedgerCommand(coopId, year, { type: 'LockYear' }, context));
  }

  /**
   * Adds coops or departments to an auditor's grants. A treasurer grants their own department and
   * its coops only (another department's coop reads as unknown); an admin grants anything that exists.
   */
  async grant(department: string, username: string, input: { coops?: unknown; departments?: unknown }, by: SessionUser): Promise<AuditorSummary> {
    const target = USERNAME_PATTERN.test(username) ? await this.users.get(username) : null;
    // A treasurer learns nothing of accounts that are not auditors: absent and not an auditor answer alike.
    if (!target || (target.role !== 'auditor' && by.role !== 'admin')) {
      throw new DomainError('USER_NOT_FOUND', `Aucun vérificateur n'a l'identifiant ${username}.`, 'username', 'not_found');
    }
    if (target.role !== 'auditor') throw new DomainError('NOT_AN_AUDITOR', `Le compte ${username} n'est pas celui d'un vérificateur.`, 'username');
    const coops = strings(input.coops, 'coops');
    const departments = strings(input.departments, 'departments');
    if (!coops.length && !departments.length) throw new DomainError('GRANT_EMPTY', 'Choisissez au moins une coopérative ou le département.', 'coops');
    const errors: DomainError[] = [];
    if (by.role !== 'admin') {
      const foreign = departments.filter((d) => d !== department);
      if (foreign.length) errors.push(new DomainError('GRANT_OUT_OF_SCOPE', `Vous ne pouvez accorder que le département ${department}.`, 'departments'));
    }
    for (const coopId of coops) {
      const coop = await this.coop(coopId);
      if (!coop || (by.role !== 'admin' && coop.department !== department)) {
        errors.push(new DomainError('COOP_UNKNOWN', `Coopérative inconnue : ${coopId}.`, 'coops'));
      }
    }
    if (errors.length) throw new ValidationFailed(errors);
    const updated = await this.users.grant(username, { coops, departments });
    if (by.role === 'admin') return summary(updated);
    // A treasurer sees of the grants only what concerns their department (auditorsOf filters them).
    const ours = (await this.auditorsOf(department)).find((a) => a.username === username);
    return ours ?? { username, department: null, grants: { departments: [], coops: [] } };
  }

  /** The auditors who read something of the department: attached to it, or granted it or one of its coops. */
  async auditorsOf(department: string): Promise<AuditorSummary[]> {
    const [docs, coops] = await Promise.all([this.users.auditors(), this.store.find<CoopDoc>('coops', { where: { department } })]);
    const ours = new Set(coops.map((c) => c.coopId));
    return docs
      .filter((d) => d.department === department || d.grants?.departments.includes(department) || d.grants?.coops.some((c) => ours.has(c)))
      .map((d) => ({
        username: d.username,
        department: d.department === department ? d.department : null,
        grants: { departments: (d.grants?.departments ?? []).filter((g) => g === department), coops: (d.grants?.coops ?? []).filter((c) => ours.has(c)) },
      }))
      .sort((a, b) => a.username.localeCompare(b.username));
  }
}

const summary = (user: SessionUser): AuditorSummary => ({
  username: user.username,
  department: user.department ?? null,
  grants: user.grants ?? { departments: [], coops: [] },
});
