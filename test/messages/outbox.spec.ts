import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoMailer, SmtpMailer } from '../../src/messages/mailer';
import { MAX_ATTEMPTS, Outbox, RETRY_DELAYS_MS } from '../../src/messages/outbox';
import { SqliteMessageStore } from '../../src/messages/sqlite-message-store';
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

describe('Outbox: every message recorded, sent through the mail server, kept when none, retried then failed', () => {
  let dir: string;
  let store: SqliteMessageStore;
  const clock = new TestClock('2026-11-27T10:00:00Z');
  const servers: TestSmtpServer[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cahier-messages-'));
    store = new SqliteMessageStore(join(dir, 'messages.sqlite'));
    clock.set('2026-11-27T10:00:00Z');
  });
  afterEach(async () => {
    await store.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

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

  it('a message whose cause was already recorded is not recorded again', async () => {
    const outbox = new Outbox(store, new NoMailer(), clock);
    expect(await outbox.post({ ...invitation, cause: 'crf:C14001:2025:2026-09-07' })).not.toBeNull();
    expect(await outbox.post({ ...invitation, cause: 'crf:C14001:2025:2026-09-07' })).toBeNull();
    expect(await store.list({}, 10)).toHaveLength(1);
  });

  it('a claim is granted once, whichever process asks (two connections to one file)', async () => {
    const other = new SqliteMessageStore(join(dir, 'messages.sqlite'));
    try {
      const answers = await Promise.all([store.claim('reminders:2026-09-07', 'a', 'now'), other.claim('reminders:2026-09-07', 'b', 'now')]);
      expect(answers.sort()).toEqual([false, true]);
    } finally {
      await other.close();
    }
  });

  it('two processes delivering the same outbox send each message once', async () => {
    const server = await smtp();
    const other = new SqliteMessageStore(join(dir, 'messages.sqlite'));
    try {
      const quiet = new Outbox(store, new NoMailer(), clock);
      for (let i = 0; i < 5; i++) await quiet.post({ ...invitation, to: `v${i}@example.org` });
      // Recorded while no server was configured: made due by hand, as after a restart with SMTP_URL.
      for (const m of await store.list({}, 10)) await store.settle(m.messageId, { status: 'kept', attempts: 0, nextAttemptAt: 0, lastError: null });
      const mailer = new SmtpMailer(server.url, 'cahier@example.org');
      await Promise.all([new Outbox(store, mailer, clock).deliverDue(), new Outbox(other, mailer, clock).deliverDue()]);
      expect(server.received.map((m) => m.to[0]).sort()).toEqual(['v0@example.org', 'v1@example.org', 'v2@example.org', 'v3@example.org', 'v4@example.org']);
    } finally {
      await other.close();
    }
  });
});
