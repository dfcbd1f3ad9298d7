import { type MessageStore, type StoredMessage } from '../messages/message-store';
import { type ScopedUser } from '../http/auth/scope';

/** The most recent messages a list shows. */
export const MESSAGES_LISTED = 500;

export interface MessageRow {
  messageId: string;
  to: string;
  subject: string;
  kind: StoredMessage['kind'];
  at: string;
  status: StoredMessage['status'];
  coopId?: string;
}

export const messageRow = (m: StoredMessage): MessageRow => ({
  messageId: m.messageId,
  to: m.to,
  subject: m.subject,
  kind: m.kind,
  at: m.at,
  status: m.status,
  ...(m.coopId ? { coopId: m.coopId } : {}),
});

/** Who reads the messages: the admin all of them, a treasurer those of their department. */
export const mayReadMessages = (user: ScopedUser): boolean => user.role === 'admin' || (user.role === 'treasurer' && !!user.department);

const inScope = (user: ScopedUser, m: StoredMessage): boolean => user.role === 'admin' || (user.role === 'treasurer' && m.department === user.department);

export class MessageReads {
  constructor(private readonly store: MessageStore) {}

  /** The messages the user may read, most recent first; `coopId` narrows to one coop. */
  async list(user: ScopedUser, coopId?: string): Promise<StoredMessage[]> {
    if (!mayReadMessages(user)) return [];
    const department = user.role === 'admin' ? undefined : user.department;
    return this.store.list({ coopId, department }, MESSAGES_LISTED);
  }

  /** null when absent or outside the user's scope (the two look the same). */
  async get(user: ScopedUser, messageId: string): Promise<StoredMessage | null> {
    const message = await this.store.get(messageId);
    return message && inScope(user, message) ? message : null;
  }
}

const KIND_LABELS: Record<StoredMessage['kind'], string> = {
  'quitus-invitation': 'Invitation au quitus',
  'submission-decision': 'Décision sur le bilan',
  'membership-decision': "Décision sur l'adhésion",
  'password-reset': 'Mot de passe oublié',
  'reminder-crf': 'Rappel : bilan à déposer',
  'reminder-unreconciled': 'Rappel : écritures non pointées',
  'reminder-statement': 'Rappel : relevé à importer',
  'department-message': "Message de l'association",
};

const STATUS_LABELS: Record<StoredMessage['status'], string> = { sent: 'envoyé', kept: 'en attente', failed: 'échec' };

/** A message as the pages show it: French kind and status, the moment in France. */
export const messageView = (m: StoredMessage, parisMoment: (at: string) => string) => ({
  ...messageRow(m),
  text: m.text,
  kindLabel: KIND_LABELS[m.kind],
  statusLabel: STATUS_LABELS[m.status],
  failed: m.status === 'failed',
  moment: parisMoment(m.at),
  attempts: m.attempts,
  lastError: m.lastError,
});
