import { NoMailer, SmtpMailer } from '../../src/messages/mailer';
import { type MessageStore } from '../../src/messages/message-store';
import { MAX_ATTEMPTS, Outbox, RETRY_DELAYS_MS } from '../../src/messages/outbox';
import { TestClock } from '../support/clock';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

const invitation = {
  to: 'claire.martin@example.org',
  subject: 'Quitus de la coopérative École Jules Ferry — exercice 2024-2025',
  kind: 'quitus-invitation' as const,
  text: 'Bonjour Claire Martin,\nVotre lien : http://localhost/quitus/abc\n',
  coopId: 'C14001',
  department: '14',
};

/** An empty outbox, and a way to open a second store on the same one (another process, another instance). */
export interface OpenedOutbox {
  store: MessageStore;
  another(): Promise<MessageStore>;
  close(): Promise<void>;
}

/**
 * What every MessageStore does under the Outbox, whatever keeps the messages: the same tests on
 * the embedded SQLite file and on the shared PostgreSQL database.
 */
export function outboxContract(engine: string, open: () => Promise<OpenedOutbox>): void {
  describe(`Outbox on ${engine}: every message recorded, sent through the mail server, kept when none, retried then failed`, () => {
    let store: MessageStore;
    let opened: OpenedOutbox;
    const others: MessageStore[] = [];
    const clock = new TestClock('2026-11-27T10:00:00Z');
    const servers: TestSmtpServer[] = [];

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
      clock.set('2026-11-27T10:00:00Z');
    });
    afterEach(async () => {
      await Promise.all(others.splice(0).map((s) => s.close()));
      await Promise.all(servers.splice(0).map((s) => s.close()));
      await opened.close();
    });

    async function another(): Promise<MessageStore> {
      const other = await opened.another();
      others.push(other);
      return other;
    }

    async function smtp(): Promise<TestSmtpServer> {
      const server = await startSmtpServer();
      servers.push(server);
      return server;
    }

    it('given a mail server, a posted message arrives as written and is recorded "sent"', async () => {
      const server = await smtp();
      const outbox = new Outbox(store, new SmtpMailer(server.url, 'Cahier Coop <ne-pas-repondre@example.org>'), clock);
      const posted = await outbox.post(invitation);
      const [mail] = await server.waitFor(1);
      expect(mail).toEqual({ from: 'ne-pas-repondre@example.org', to: ['claire.martin@example.org'], subject: invitation.subject, text: invitation.text });
      await outbox.deliverDue();
      expect(await store.get(posted!.messageId)).toMatchObject({ status: 'sent', attempts: 1, to: invitation.to, kind: 'quitus-invitation', coopId: 'C14001' });
    });

    it('without a mail server, the message is kept in the outbox and nothing is attempted', async () => {
      const outbox = new Outbox(store, new NoMailer(), clock);
      const posted = await outbox.post(invitation);
      await outbox.deliverDue();
      expect(await store.get(posted!.messageId)).toMatchObject({ status: 'kept', attempts: 0, nextAttemptAt: null, text: invitation.text });
      expect(await store.list({ department: '14' }, 10)).toHaveLength(1);
    });

    it('when the server is down, the message is kept and retried; once it is back, it leaves', async () => {
      const first = await startSmtpServer();
      const port = Number(new URL(first.url).port);
      await first.close();
      const outbox = new Outbox(store, new SmtpMailer(first.url, 'cahier@example.org'), clock);
      const posted = await outbox.post(invitation);
      await outbox.deliverDue();
      expect(await store.get(posted!.messageId)).toMatchObject({ status: 'kept', attempts: 1, nextAttemptAt: clock.now().getTime() + RETRY_DELAYS_MS[0] });

      const { SMTPServer } = await import('smtp-server');
      const received: string[] = [];
      const back = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData(stream, session, callback) {
          stream.resume();
          stream.on('end', () => {
            received.push(session.envelope.rcptTo[0].address);
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
      try {
        await outbox.deliverDue(); // not yet due: nothing attempted
        expect((await store.get(posted!.messageId))!.attempts).toBe(1);
        clock.advance(RETRY_DELAYS_MS[0]);
        await outbox.deliverDue();
        expect(received).toEqual(['claire.martin@example.org']);
        expect(await store.get(posted!.messageId)).toMatchObject({ status: 'sent', attempts: 2 });
      } finally {
        await new Promise<void>((resolve) => back.close(() => resolve()));
      }
    });

    it(`when the server stays down, after ${MAX_ATTEMPTS} attempts the message is "failed", with the last error`, async () => {
      const gone = await startSmtpServer();
      await gone.close();
      const outbox = new Outbox(store, new SmtpMailer(gone.url, 'cahier@example.org'), clock);
      const posted = await outbox.post(invitation);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        await outbox.deliverDue();
        clock.advance(RETRY_DELAYS_MS[attempt] ?? 0);
      }
      const failed = await store.get(posted!.messageId);
      expect(failed).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, nextAttemptAt: null });
      expect(failed!.lastError).toMatch(/ECONNREFUSED/);
      await outbox.deliverDue();
      expect((await store.get(posted!.messageId))!.attempts).toBe(MAX_ATTEMPTS);
    });

    it('lists the most recent first, by coop or by department, and finds a message by its cause', async () => {
      const outbox = new Outbox(store, new NoMailer(), clock);
      const first = await outbox.post({ ...invitation, cause: 'crf:C14001:2025:2026-09-07' });
      clock.advance(1000);
      const second = await outbox.post({ ...invitation, coopId: 'C14002', to: 'b@example.org' });
      const third = await outbox.post({ ...invitation, coopId: 'C61001', department: '61', to: 'c@example.org' });
      // Same instant: the one recorded last comes first.
      expect((await store.list({}, 10)).map((m) => m.messageId)).toEqual([third!.messageId, second!.messageId, first!.messageId]);
      expect((await store.list({}, 2)).map((m) => m.messageId)).toEqual([third!.messageId, second!.messageId]);
      expect((await store.list({ department: '14' }, 10)).map((m) => m.messageId)).toEqual([second!.messageId, first!.messageId]);
      expect((await store.list({ coopId: 'C14001', department: '14' }, 10)).map((m) => m.messageId)).toEqual([first!.messageId]);
      expect(await store.list({ coopId: 'C99999' }, 10)).toEqual([]);
      expect(await store.hasCause('crf:C14001:2025:2026-09-07')).toBe(true);
      expect(await store.hasCause('crf:C14001:2025:2026-09-14')).toBe(false);
      expect(await store.byCause('crf:C14001:2025:2026-09-07')).toEqual(first);
      expect(await store.byCause('crf:C14001:2025:2026-09-14')).toBeNull();
      expect(first).toMatchObject({ status: 'kept', attempts: 0, sentAt: null, lastError: null, nextAttemptAt: null, department: '14', text: invitation.text });
    });

    it('a message taken by one process is neither due nor takeable for another until its hold ends (a crashed holder lets it go)', async () => {
      const other = await another();
      const recorded = await store.record({ ...invitation, messageId: 'm-1', at: clock.now().toISOString(), nextAttemptAt: 1_000 });
      expect(recorded).toMatchObject({ messageId: 'm-1', nextAttemptAt: 1_000 });
      expect((await other.due(2_000, 10)).map((m) => m.messageId)).toEqual(['m-1']);
      expect(await store.takeForDelivery('m-1', 'a', 2_000, 60_000)).toBe(true);
      expect(await other.takeForDelivery('m-1', 'b', 3_000, 61_000)).toBe(false);
      expect(await other.due(3_000, 10)).toEqual([]);
      // Holder a never settled: past its hold, b takes it.
      expect((await other.due(60_000, 10)).map((m) => m.messageId)).toEqual(['m-1']);
      expect(await other.takeForDelivery('m-1', 'b', 60_000, 120_000)).toBe(true);
      await other.settle('m-1', { status: 'sent', attempts: 1, nextAttemptAt: null, lastError: null, sentAt: '2026-11-27T10:01:00.000Z' });
      expect(await store.get('m-1')).toMatchObject({ status: 'sent', attempts: 1, sentAt: '2026-11-27T10:01:00.000Z', nextAttemptAt: null });
      expect(await store.due(200_000, 10)).toEqual([]);
      expect(await store.takeForDelivery('m-1', 'a', 200_000, 260_000)).toBe(false);
    });

    it('three instances delivering at once, each several times, send each of twenty messages exactly once', async () => {
      const server = await smtp();
      const stores = [store, await another(), await another()];
      const quiet = new Outbox(store, new NoMailer(), clock);
      for (let i = 0; i < 20; i++) await quiet.post({ ...invitation, to: `v${i}@example.org` });
      for (const m of await store.list({}, 50)) await store.settle(m.messageId, { status: 'kept', attempts: 0, nextAttemptAt: 0, lastError: null });
      const mailer = new SmtpMailer(server.url, 'cahier@example.org');
      const outboxes = stores.map((s) => new Outbox(s, mailer, clock));
      await Promise.all([...outboxes, ...outboxes].map((o) => o.deliverDue()));
      const received = server.received.map((m) => m.to[0]).sort();
      expect(received).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}@example.org`).sort());
      expect((await store.list({}, 50)).every((m) => m.status === 'sent' && m.attempts === 1)).toBe(true);
    });

    it('a message whose cause was already recorded is not recorded again', async () => {
      const outbox = new Outbox(store, new NoMailer(), clock);
      expect(await outbox.post({ ...invitation, cause: 'crf:C14001:2025:2026-09-07' })).not.toBeNull();
      expect(await outbox.post({ ...invitation, cause: 'crf:C14001:2025:2026-09-07' })).toBeNull();
      expect(await store.list({}, 10)).toHaveLength(1);
    });

    it("two instances record a reminder's key (cause, coop, period, addressee) at once: one records it, the other nothing", async () => {
      const other = await another();
      const reminder = { ...invitation, kind: 'reminder-crf' as const, cause: 'reminder-crf:C14001:2025:2026-09-08:jferry' };
      const answers = await Promise.all([new Outbox(store, new NoMailer(), clock).post(reminder), new Outbox(other, new NoMailer(), clock).post(reminder)]);
      expect(answers.filter((m) => m !== null)).toHaveLength(1);
      expect(await store.list({ coopId: 'C14001' }, 10)).toHaveLength(1);
    });

    it('a claim is granted once, whichever process asks (two stores on one outbox)', async () => {
      const other = await another();
      const answers = await Promise.all([store.claim('reminders:2026-09-07', 'a', 'now'), other.claim('reminders:2026-09-07', 'b', 'now')]);
      expect(answers.sort()).toEqual([false, true]);
    });

    it('two processes delivering the same outbox send each message once', async () => {
      const server = await smtp();
      const other = await another();
      {
        const quiet = new Outbox(store, new NoMailer(), clock);
        for (let i = 0; i < 5; i++) await quiet.post({ ...invitation, to: `v${i}@example.org` });
        // Recorded while no server was configured: made due by hand, as after a restart with SMTP_URL.
        for (const m of await store.list({}, 10)) await store.settle(m.messageId, { status: 'kept', attempts: 0, nextAttemptAt: 0, lastError: null });
        const mailer = new SmtpMailer(server.url, 'cahier@example.org');
        await Promise.all([new Outbox(store, mailer, clock).deliverDue(), new Outbox(other, mailer, clock).deliverDue()]);
        expect(server.received.map((m) => m.to[0]).sort()).toEqual(['v0@example.org', 'v1@example.org', 'v2@example.org', 'v3@example.org', 'v4@example.org']);
      }
    });
  });
}
