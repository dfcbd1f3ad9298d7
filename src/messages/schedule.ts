/** How often the server looks for messages due (a retry) and reminders to send. */
export const SCHEDULE_EVERY_MS = 30_000;

/** A task of the schedule: run each tick, one run at a time, its failures logged and never fatal. */
export type ScheduledTask = () => Promise<void>;

/**
 * The server's clockwork: every tick runs each task once (skipped while its previous run is still
 * going). Several instances may each run it: the tasks themselves claim what they do in the store.
 */
export class Schedule {
  private timer: NodeJS.Timeout | null = null;
  private readonly busy = new Set<ScheduledTask>();

  constructor(
    private readonly tasks: ScheduledTask[] = [],
    private readonly everyMs = SCHEDULE_EVERY_MS,
    private readonly log: (message: string) => void = (m) => console.warn(m),
  ) {}

  /** One more task (the reminders, whose reads live in the HTTP module), from the next tick. */
  add(task: ScheduledTask): void {
    this.tasks.push(task);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async tick(): Promise<void> {
    await Promise.all(
      this.tasks.map(async (task) => {
        if (this.busy.has(task)) return;
        this.busy.add(task);
        try {
          await task();
        } catch (error) {
          this.log(`Messages : tâche planifiée en échec (${error instanceof Error ? error.message : String(error)})`);
        } finally {
          this.busy.delete(task);
        }
      }),
    );
  }
}
