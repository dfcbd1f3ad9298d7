import { Inject, Injectable, Logger } from '@nestjs/common';
import { type CommandContext } from '../commands/command-context';
import { ExecuteMembershipCommand } from '../commands/membership.commands';
import { ProjectedCommandBus } from '../commands/projected-command-bus';
import { type Config } from '../config';
import { type MembershipState } from '../domain/membership';
import { membershipDecisionLetter } from '../messages/membership-letter';
import { Outbox } from '../messages/outbox';
import { MembershipReads } from '../reads/membership';
import { CONFIG } from '../tokens';
import { UserDirectory } from '../users/user-directory';

/**
 * The AD's decision on a coop's membership, from the API, the list or the coop's page: the
 * command, then the news by e-mail (through the outbox) to each of the coop's mandataires in
 * office who has an address. The decision stands even if the message cannot be recorded.
 */
@Injectable()
export class MembershipDecisions {
  private readonly log = new Logger('MembershipDecisions');

  constructor(
    private readonly commands: ProjectedCommandBus,
    private readonly membership: MembershipReads,
    private readonly users: UserDirectory,
    private readonly outbox: Outbox,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async decide(coopId: string, year: number, decision: unknown, reason: unknown, context: CommandContext): Promise<MembershipState> {
    const outcome = await this.commands.execute(new ExecuteMembershipCommand(coopId, year, { type: 'DecideMembership', decision, reason }, context));
    await this.tell(coopId, year, outcome.answer, outcome.revision).catch((error: unknown) =>
      this.log.warn(`Décision sur l'adhésion ${coopId} ${year} enregistrée, message non écrit : ${error instanceof Error ? error.message : String(error)}`),
    );
    return outcome.answer;
  }

  private async tell(coopId: string, year: number, state: MembershipState, revision: number | null): Promise<void> {
    if (state.status !== 'validated' && state.status !== 'returned') return;
    const [view, mandataires] = await Promise.all([this.membership.view(coopId, year), this.users.mandatairesInOffice(coopId)]);
    const news = {
      coopId,
      coopName: view.coop.name,
      department: view.coop.department,
      association: view.association,
      year,
      decision: state.status,
      reason: state.status === 'returned' ? state.reason : null,
      link: `${this.config.publicUrl}/coops/${encodeURIComponent(coopId)}/years/${year}/adhesion`,
      cause: `membership-decision:${coopId}:${year}:${revision ?? 'none'}`,
    };
    for (const m of mandataires) {
      if (m.email) await this.outbox.post(membershipDecisionLetter({ email: m.email, name: m.name }, news));
    }
  }
}
