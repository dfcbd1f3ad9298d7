import { Inject, Injectable } from '@nestjs/common';
import { type Config } from '../config';
import { type Clock, today } from '../domain/fiscal-year';
import { departmentMessageLetter } from '../messages/reminder-letters';
import { Outbox } from '../messages/outbox';
import { departmentIdentity } from '../projections/departments.projection';
import { type ReadStore } from '../projections/read-store';
import { DepartmentAccounts } from '../reads/department-accounts';
import { associationName } from '../reads/membership';
import { CLOCK, CONFIG, READ_STORE } from '../tokens';
import { UserDirectory } from '../users/user-directory';

/** Longest text the AD may send (characters): a letter, not a file. */
export const DEPARTMENT_MESSAGE_MAX = 5000;

export interface DepartmentMessageSent {
  /** Coops written to (their submission missing, a mandataire in office with an address). */
  coops: number;
  /** Letters recorded in the outbox. */
  letters: number;
  /** Coops missing their submission whose mandataires have no address: the AD calls them. */
  unreachable: string[];
}

/**
 * DOMAIN.md "Messages": from the completeness page, the AD writes to every coop whose year's
 * submission is still missing (the page's "Bilan non envoyé"): one letter per mandataire in
 * office, through the outbox. The form's one-time id is in each letter's cause, so the same
 * form sent twice (a double click, a retry) writes once.
 */
@Injectable()
export class DepartmentMessages {
  constructor(
    private readonly accounts: DepartmentAccounts,
    private readonly users: UserDirectory,
    private readonly outbox: Outbox,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async send(department: string, year: number, text: string, sendId: string): Promise<DepartmentMessageSent> {
    const [rows, identity] = await Promise.all([this.accounts.completeness(department, year, today(this.clock)), departmentIdentity(this.store, department)]);
    const signature = associationName(identity, department);
    const sent: DepartmentMessageSent = { coops: 0, letters: 0, unreachable: [] };
    for (const row of rows.filter((r) => r.submission === 'missing')) {
      const addressed = (await this.users.mandatairesInOffice(row.coopId)).filter((m) => m.email);
      if (addressed.length === 0) {
        sent.unreachable.push(row.name);
        continue;
      }
      sent.coops++;
      for (const m of addressed) {
        const letter = departmentMessageLetter(
          { username: m.username, name: m.name, email: m.email! },
          { coopId: row.coopId, name: row.name, department },
          { department, year, text, sendId, signature },
          this.config.publicUrl,
        );
        if (await this.outbox.post(letter)) sent.letters++;
      }
    }
    return sent;
  }
}
