/**
 * The messages the service writes to people (e-mail): every one recorded, to whom, what, when,
 * and whether it left. Not events: an address and a one-time code have no place in the
 * append-only log auditors replay, and a delivery status changes.
 */
export type MessageKind =
  | 'quitus-invitation'
  | 'submission-decision'
  | 'membership-decision'
  | 'password-reset'
  | 'reminder-crf'
  | 'reminder-unreconciled'
  | 'reminder-statement'
  | 'department-message';

/** sent: the mail server took it; kept: in the outbox (no server configured, or retrying); failed: given up. */
export type MessageStatus = 'sent' | 'kept' | 'failed';

export interface NewMessage {
  to: string;
  subject: string;
  kind: MessageKind;
  /** The body as plain text, links included. */
  text: string;
  coopId?: string | null;
  department?: string | null;
  /**
   * What the message is about, once: a second message with the same cause is not recorded
   * (a reminder per cause and period, e.g. `crf:C14001:2025:2026-09-07`).
   */
  cause?: string | null;
}

export interface StoredMessage {
  messageId: string;
  to: string;
  subject: string;
  kind: MessageKind;
  text: string;
  coopId: string | null;
  department: string | null;
  cause: string | null;
  /** ISO date-time it was recorded. */
  at: string;
  status: MessageStatus;
  /** ISO date-time the mail server took it; null until then. */
  sentAt: string | null;
  attempts: number;
  /** Epoch ms of the next delivery attempt while kept and a server is configured; null otherwise. */
  nextAttemptAt: number | null;
  lastError: string | null;
}

/** What one delivery attempt ended in. */
export interface DeliveryOutcome {
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  /** When the server took it (status sent). */
  sentAt?: string | null;
}

export interface MessageFilter {
  coopId?: string;
  department?: string;
}

export interface MessageStore {
  /** Records a kept message; null (nothing recorded) when its cause already was. */
  record(message: NewMessage & { messageId: string; at: string; nextAttemptAt: number | null }): Promise<StoredMessage | null>;
  get(messageId: string): Promise<StoredMessage | null>;
  /** Most recent first. */
  list(filter: MessageFilter, limit: number): Promise<StoredMessage[]>;
  /** Whether a message of this cause was recorded. */
  hasCause(cause: string): Promise<boolean>;
  /** The message recorded for this cause, if any. */
  byCause(cause: string): Promise<StoredMessage | null>;
  /** Kept messages whose next attempt is due, oldest first. */
  due(now: number, limit: number): Promise<StoredMessage[]>;
  /**
   * Takes a kept message for one delivery attempt until `until` (epoch ms): false when another
   * process holds it, so several instances never send one message twice at once.
   */
  takeForDelivery(messageId: string, holder: string, now: number, until: number): Promise<boolean>;
  /** The outcome of an attempt (and the hold released). */
  settle(messageId: string, outcome: DeliveryOutcome): Promise<void>;
  /**
   * A once-only claim (e.g. today's reminder run): true for the first caller of that key, false
   * for every later one, whichever process asks.
   */
  claim(key: string, holder: string, at: string): Promise<boolean>;
  close(): Promise<void>;
}
