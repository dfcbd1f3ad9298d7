import { join } from 'node:path';
import { SmtpMailer } from '../../src/messages/mailer';
import { Outbox } from '../../src/messages/outbox';
import { Reminders, REMINDERS_EVERY_MS } from '../../src/messages/reminders';
import { Schedule } from '../../src/messages/schedule';
import { SqliteMessageStore } from '../../src/messages/sqlite-message-store';
import { UserDirectory } from '../../src/users/user-directory';
import { startTestApp, type TestApp } from '../support/app';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';

const CLAIRE = 'claire.martin@ecole-jules-ferry.example';
const MARC = 'marc.durand@ecole-jules-ferry.example';

/**
 * DOMAIN.md "Messages": the CRF due on 30 September is recalled from 1 September, weekly, until
 * the year is submitted, and a reminder is not sent twice for the same cause — whichever instance
 * runs it. On the demo at 27 November 2026: C14001's 2025-2026 is closed and not sent, its two
 * mandataires (Claire Martin, Marc Durand) have addresses; a real SMTP server receives.
 */
describe('scheduled reminders, sent once per cause and period across ticks and instances', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({ demo: true, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://cahier.example' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const crfMails = () => smtp.received.filter((m) => m.subject.includes('bilan 2025-2026'));

  it('the CRF reminder arrives once to each mandataire in office, though two schedules tick twice', async () => {
    // A second instance: its own connection to the same outbox, its own schedule, the same clock and reads.
    const otherStore = new SqliteMessageStore(join(t.dataDir, 'messages.sqlite'));
    const otherMailer = new SmtpMailer(smtp.url, 'cahier@example.org');
    try {
      const otherOutbox = new Outbox(otherStore, otherMailer, t.clock);
      const other = new Reminders(t.stores.readStore, t.app.get(UserDirectory), otherOutbox, t.clock, 'https://cahier.example');
      const schedules = [t.app.get(Schedule), new Schedule([() => otherOutbox.deliverDue(), other.task])];

      // Each round of ticks, then the sending it started (before the clock moves past a message's hold).
      const round = async () => {
        await Promise.all(schedules.map((s) => s.tick()));
        await Promise.all([t.app.get(Outbox).deliverDue(), otherOutbox.deliverDue()]);
      };
      await round();
      t.clock.advance(REMINDERS_EVERY_MS); // the same week, a new run of each
      await round();

      const mails = crfMails();
      expect(mails.map((m) => m.to[0]).sort()).toEqual([CLAIRE, MARC]);
      const claire = mails.find((m) => m.to[0] === CLAIRE)!;
      expect(claire.subject).toBe("Cahier Coop — rappel : bilan 2025-2026 de Coopérative de l'école Jules Ferry à envoyer avant le 30/09/2026");
      expect(claire.text).toContain('Bonjour Claire Martin,');
      expect(claire.text).toContain('https://cahier.example/coops/C14001/years/2025/depot');
      // The outbox holds each once, sent, with its cause (cause, coop, week, addressee).
      const recorded = (await otherStore.list({ coopId: 'C14001' }, 50)).filter((m) => m.kind === 'reminder-crf');
      expect(recorded.map((m) => [m.to, m.status, m.cause]).sort()).toEqual([
        [CLAIRE, 'sent', 'reminder-crf:C14001:2025:2026-11-24:jferry'],
        [MARC, 'sent', 'reminder-crf:C14001:2025:2026-11-24:mdurand'],
      ]);

      // The next week, the year still not sent: once more each.
      t.clock.advance(7 * 24 * 3600_000);
      await round();
      expect(crfMails()).toHaveLength(4);
    } finally {
      await otherStore.close();
      otherMailer.close();
    }
  });

  it('the coop whose year is accepted (C14002) gets no CRF reminder, and the treasurer reads the reminders in the messages', async () => {
    const treasurer = (await t.loginDemo('tresorier14'))[0];
    const messages = (await treasurer.get('/api/messages').expect(200)).body as Array<{ kind: string; coopId?: string; subject: string }>;
    const crf = messages.filter((m) => m.kind === 'reminder-crf');
    expect(crf.length).toBe(4);
    expect(crf.every((m) => m.coopId === 'C14001')).toBe(true);
  });
});

describe("the AD's message to the coops whose submission is missing, from the completeness page", () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({ demo: true, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://cahier.example' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const page = '/departements/14/annees/2025/completude';

  it('the treasurer writes once to each mandataire of the coops missing their submission; the same form twice writes once', async () => {
    const [treasurer] = await t.loginDemo('tresorier14');
    const shown = await treasurer.get(page).set('Accept', 'text/html').expect(200);
    expect(shown.text).toContain("Écrire aux coopératives dont le bilan n'est pas envoyé (1)");
    const sendId = /name="sendId" value="([0-9a-f-]{36})"/.exec(shown.text)![1];
    const send = () =>
      treasurer.agent
        .post(`${page}/message`)
        .set('Accept', 'text/html')
        .type('form')
        .send({ _csrf: treasurer.csrf, sendId, text: 'Merci de nous envoyer le bilan avant les vacances.' });

    const sent = await send().expect(303);
    const after = await treasurer.agent.get(sent.headers.location).set('Accept', 'text/html').expect(200);
    expect(after.text).toContain('Message écrit aux mandataires de 1 coopérative sans bilan (2 messages dans la file d&#x27;envoi).');
    await send().expect(303);
    await t.app.get(Outbox).deliverDue();

    const mails = smtp.received.filter((m) => m.subject.includes("bilan 2025-2026 de Coopérative de l'école Jules Ferry"));
    expect(mails.map((m) => m.to[0]).sort()).toEqual([CLAIRE, MARC]);
    expect(mails[0].text).toContain('Merci de nous envoyer le bilan avant les vacances.');
    expect(mails[0].text).toContain('https://cahier.example/coops/C14001/years/2025/depot');
    // C14002's submission is accepted: nobody there is written to.
    const kinds = (await treasurer.get('/api/messages').expect(200)).body as Array<{ kind: string; coopId?: string }>;
    expect(kinds.filter((m) => m.kind === 'department-message').map((m) => m.coopId)).toEqual(['C14001', 'C14001']);
  });

  it('an empty message is refused next to the field, nothing sent; the auditor sees no form and may not send', async () => {
    const [treasurer, auditor] = await t.loginDemo('tresorier14', 'verif14');
    const shown = await treasurer.get(page).set('Accept', 'text/html').expect(200);
    const sendId = /name="sendId" value="([0-9a-f-]{36})"/.exec(shown.text)![1];
    const before = smtp.received.length;
    const refused = await treasurer.agent
      .post(`${page}/message`)
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: treasurer.csrf, sendId, text: '   ' })
      .expect(400);
    expect(refused.text).toContain('<p class="field__error" id="message-text-error">Écrivez le message à envoyer.</p>');
    expect(refused.text).toContain(`value="${sendId}"`);
    await t.app.get(Outbox).deliverDue();
    expect(smtp.received.length).toBe(before);

    const read = await auditor.get(page).set('Accept', 'text/html').expect(200);
    expect(read.text).not.toContain('name="sendId"');
    const forbidden = await auditor.agent
      .post(`${page}/message`)
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: auditor.csrf, sendId, text: 'Bonjour' });
    expect(forbidden.status).toBeGreaterThanOrEqual(400);
    expect(forbidden.status).toBeLessThan(500);
  });
});
