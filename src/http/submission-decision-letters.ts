import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Config } from '../config';
import { submissionDecisionLetter } from '../messages/letters';
import { Outbox } from '../messages/outbox';
import { type CoopDoc } from '../projections/coops.projection';
import { YearEndReads } from '../reads/year-end-reads';
import { CONFIG } from '../tokens';
import { UserDirectory } from '../users/user-directory';

/**
 * DOMAIN.md "Messages": the AD's decision on a submission goes by e-mail to each of the coop's
 * mandataires in office (the page and the API alike call it once the decision is recorded).
 */
@Injectable()
export class SubmissionDecisionLetters {
  private readonly log = new Logger('SubmissionDecisionLetters');

  constructor(
    private readonly users: UserDirectory,
    private readonly yearEnd: YearEndReads,
    private readonly outbox: Outbox,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async send(coop: Pick<CoopDoc, 'coopId' | 'name' | 'department'>, year: number): Promise<void> {
    try {
      const last = (await this.yearEnd.yearEnd(coop, year)).submissions.at(-1);
      if (!last || last.status === 'submitted') return;
      const link = `${this.config.publicUrl}/coops/${encodeURIComponent(coop.coopId)}/years/${year}/depot`;
      for (const m of await this.users.mandatairesInOffice(coop.coopId)) {
        if (!m.email) continue;
        await this.outbox.post(
          submissionDecisionLetter(
            { username: m.username, name: m.name, email: m.email },
            { coop, year, version: last.version, decision: last.status === 'accepted' ? 'accept' : 'return', reason: last.reason },
            link,
          ),
        );
      }
    } catch (error) {
      // The decision stands; a message that could not be recorded is said in the log, not to the AD as a failure.
      this.log.warn(`décision non envoyée : ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
