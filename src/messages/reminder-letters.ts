import { fiscalYearOf, formatFrenchDate } from '../domain/fiscal-year';
import { type Reminder, reminderKey } from '../domain/reminders';
import { plural } from '../reads/words';
import { type NewMessage } from './message-store';

export interface Addressee {
  username: string;
  name: string | null;
  email: string;
}

export interface CoopAddress {
  coopId: string;
  name: string;
  department: string;
}

const hello = (to: Addressee): string => `Bonjour${to.name ? ` ${to.name}` : ''},`;
const yearName = (year: number): string => `${year}-${year + 1}`;
const coopPages = (publicUrl: string, coopId: string, year: number): string => `${publicUrl}/coops/${encodeURIComponent(coopId)}/years/${year}`;

/**
 * A reminder to one of the coop's mandataires. Its cause is the reminder's key (cause, coop,
 * period) and the addressee: the store records it once, so a second run, or a second instance,
 * finds it recorded and sends nothing.
 */
export function reminderLetter(to: Addressee, coop: CoopAddress, reminder: Reminder, publicUrl: string): NewMessage {
  const base = { to: to.email, coopId: coop.coopId, department: coop.department, cause: `${reminderKey(reminder)}:${to.username}` };
  switch (reminder.cause) {
    case 'crf':
      return {
        ...base,
        kind: 'reminder-crf',
        subject: `Cahier Coop — rappel : bilan ${yearName(reminder.year)} de ${coop.name} à envoyer avant le ${formatFrenchDate(reminder.dueOn)}`,
        text: [
          hello(to),
          '',
          `Le bilan ${yearName(reminder.year)} de la coopérative ${coop.name} (${coop.coopId}) — compte rendu financier, quitus des vérificateurs, relevé de fin d'exercice — est attendu par l'association départementale le ${formatFrenchDate(reminder.dueOn)}, et il n'est pas encore envoyé.`,
          'Clôturez l’exercice, recueillez le quitus puis envoyez le bilan depuis cette page :',
          `${coopPages(publicUrl, coop.coopId, reminder.year)}/depot`,
          '',
          'Ce rappel revient chaque semaine jusqu’à l’envoi.',
          '',
          'Cahier Coop',
        ].join('\n'),
      };
    case 'unreconciled':
      return {
        ...base,
        kind: 'reminder-unreconciled',
        subject: `Cahier Coop — rappel : ${plural(reminder.count, 'écriture bancaire non pointée', 'écritures bancaires non pointées')} — ${coop.name}`,
        text: [
          hello(to),
          '',
          `Dans le cahier de la coopérative ${coop.name} (${coop.coopId}), ${plural(reminder.count, 'écriture de banque (512) n’est pas pointée', 'écritures de banque (512) ne sont pas pointées')} sur un relevé depuis plus de 30 jours, la plus ancienne du ${formatFrenchDate(reminder.oldest)}.`,
          'Importez les relevés de la banque et pointez-les depuis cette page :',
          `${coopPages(publicUrl, coop.coopId, fiscalYearOf(reminder.oldest))}/releves`,
          '',
          'Cahier Coop',
        ].join('\n'),
      };
    case 'statement':
      return {
        ...base,
        kind: 'reminder-statement',
        subject: `Cahier Coop — rappel : aucun relevé bancaire depuis deux mois — ${coop.name}`,
        text: [
          hello(to),
          '',
          reminder.since
            ? `Le dernier relevé bancaire de la coopérative ${coop.name} (${coop.coopId}) a été enregistré le ${formatFrenchDate(reminder.since)}, il y a plus de deux mois.`
            : `Aucun relevé bancaire de la coopérative ${coop.name} (${coop.coopId}) n'est enregistré dans Cahier Coop depuis plus de deux mois.`,
          'Importez les relevés reçus de la banque depuis cette page :',
          `${coopPages(publicUrl, coop.coopId, fiscalYearOf(reminder.period + '-01'))}/releves`,
          '',
          'Cahier Coop',
        ].join('\n'),
      };
  }
}

/** What the AD writes, from the completeness page, to the coops whose year's submission is missing. */
export interface DepartmentMessage {
  department: string;
  year: number;
  /** The AD's text, as typed. */
  text: string;
  /** The form's one-time id: the same form sent twice writes once. */
  sendId: string;
  /** Who signs (the association's name). */
  signature: string;
}

/** The AD's message to one mandataire of a coop whose submission is missing, with the link to its submission page. */
export function departmentMessageLetter(to: Addressee, coop: CoopAddress, message: DepartmentMessage, publicUrl: string): NewMessage {
  return {
    to: to.email,
    kind: 'department-message',
    coopId: coop.coopId,
    department: coop.department,
    cause: `department-message:${message.department}:${message.year}:${message.sendId}:${coop.coopId}:${to.username}`,
    subject: `${message.signature} — bilan ${yearName(message.year)} de ${coop.name}`,
    text: [
      hello(to),
      '',
      message.text,
      '',
      `Le bilan ${yearName(message.year)} de la coopérative ${coop.name} (${coop.coopId}) s'envoie depuis cette page :`,
      `${coopPages(publicUrl, coop.coopId, message.year)}/depot`,
      '',
      message.signature,
    ].join('\n'),
  };
}
