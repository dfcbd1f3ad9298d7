import { createTransport, type Transporter } from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Where messages leave: a mail server, or nowhere (they stay in the outbox). */
export interface Mailer {
  /** False without SMTP_URL: nothing is attempted, messages are kept. */
  readonly configured: boolean;
  /** Resolves once the server accepted the message; rejects when it is down or refuses it. */
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** Seconds a slow or silent server is given before the attempt counts as failed (and is retried). */
const SERVER_TIMEOUT_MS = 15_000;

/** nodemailer over SMTP_URL (`smtp://user:pass@host:port`, `smtps://…`), from MAIL_FROM. */
export class SmtpMailer implements Mailer {
  readonly configured = true;
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    const parsed = new URL(url);
    this.transport = createTransport({
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : parsed.protocol === 'smtps:' ? 465 : 587,
      secure: parsed.protocol === 'smtps:',
      auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
      connectionTimeout: SERVER_TIMEOUT_MS,
      greetingTimeout: SERVER_TIMEOUT_MS,
      socketTimeout: SERVER_TIMEOUT_MS,
    });
  }

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
  }

  close(): void {
    this.transport.close();
  }
}

/** No mail server configured: `npm start` works, and every message waits in the outbox. */
export class NoMailer implements Mailer {
  readonly configured = false;
  send(): Promise<void> {
    return Promise.reject(new Error('aucun serveur de messagerie configuré (SMTP_URL)'));
  }
  close(): void {}
}
