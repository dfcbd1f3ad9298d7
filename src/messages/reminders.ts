import { type Clock, today } from '../domain/fiscal-year';
import { dueReminders } from '../domain/reminders';
import { type ReadStore } from '../projections/read-store';
import { reminderFacts } from '../reads/reminder-facts';
import { type MandataireLogin } from '../users/user-directory';
import { type Outbox } from './outbox';
import { reminderLetter } from './reminder-letters';

/** How often one instance looks for reminders due (the schedule ticks more often, for retries). */
export const REMINDERS_EVERY_MS = 60 * 60_000;

/** Who reminders go to: the coop's mandataires in office (those without an address get none). */
export interface ReminderRecipients {
  mandatairesInOffice(coopId: string): Promise<MandataireLogin[]>;
}

/**
 * The scheduled reminders (DOMAIN.md "Messages"): every hour, the reminders due today for every
 * coop (dueReminders, from the year-facts read model), one letter per mandataire in office
 * through the outbox. Safe with several instances: each letter's cause (the reminder's cause,
 * coop and period, and the addressee) is unique in the message store, so whichever instance
 * records it first sends it, and every later run of any instance records nothing.
 */
export class Reminders {
  private lastRun: number | null = null;

  constructor(
    private readonly store: ReadStore,
    private readonly recipients: ReminderRecipients,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly publicUrl: string,
  ) {}

  /** The schedule's task: a run at most every REMINDERS_EVERY_MS in this process. */
  readonly task = async (): Promise<void> => {
    const now = this.clock.now().getTime();
    if (this.lastRun !== null && now - this.lastRun < REMINDERS_EVERY_MS) return;
    this.lastRun = now;
    await this.run();
  };

  /** Records the reminders due today that no run recorded yet; how many letters it recorded. */
  async run(): Promise<number> {
    const day = today(this.clock);
    let recorded = 0;
    for (const coop of await reminderFacts(this.store, day)) {
      const due = dueReminders(coop, day);
      if (due.length === 0) continue;
      for (const m of await this.recipients.mandatairesInOffice(coop.coopId)) {
        if (!m.email) continue;
        for (const reminder of due) {
          const letter = reminderLetter({ username: m.username, name: m.name, email: m.email }, coop, reminder, this.publicUrl);
          if (await this.outbox.post(letter)) recorded++;
        }
      }
    }
    return recorded;
  }
}
