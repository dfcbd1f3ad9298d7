import { type NewMessage } from './message-store';

/** The password reset message: the link, its hour, and what to do if it was not asked for. */
export function passwordResetLetter(to: { email: string; name?: string; username: string; coopId?: string; department?: string }, link: string): NewMessage {
  return {
    to: to.email,
    subject: 'Cahier Coop — choisir un nouveau mot de passe',
    kind: 'password-reset',
    coopId: to.coopId ?? null,
    department: to.department ?? null,
    text: [
      `Bonjour${to.name ? ` ${to.name}` : ''},`,
      '',
      `Un nouveau mot de passe a été demandé pour l'identifiant ${to.username}. Pour le choisir, ouvrez ce lien (valable une heure, une seule fois) :`,
      link,
      '',
      "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.",
      '',
      'Cahier Coop',
    ].join('\n'),
  };
}

/** One message per invitation: its cause. */
export const invitationCause = (invitationId: string): string => `quitus-invitation:${invitationId}`;

/** Who a quitus invitation is for, and on which year of which coop. */
export interface QuitusInvitationFacts {
  invitationId: string;
  name: string;
  /** In words ("parent d'élève"…). */
  qualityLabel: string;
  email: string;
  coop: { coopId: string; name: string; school: string | null; department: string };
  year: number;
  /** 'DD/MM/YYYY': the last day the link opens the year. */
  until: string;
}

/**
 * The vérificateur's invitation: the one-time link (its code the credential) goes to their own
 * address and nowhere else, so the mandataire who kept the books never holds it.
 */
export function quitusInvitationLetter(facts: QuitusInvitationFacts, link: string): NewMessage {
  const yearName = `${facts.year}-${facts.year + 1}`;
  const coop = facts.coop.school ? `${facts.coop.name} (${facts.coop.school})` : facts.coop.name;
  return {
    to: facts.email,
    subject: `Cahier Coop — vérification des comptes ${yearName} de ${facts.coop.name}`,
    kind: 'quitus-invitation',
    coopId: facts.coop.coopId,
    department: facts.coop.department,
    cause: invitationCause(facts.invitationId),
    text: [
      `Bonjour ${facts.name},`,
      '',
      `Vous êtes invité(e) comme vérificateur aux comptes (${facts.qualityLabel}) de la coopérative scolaire « ${coop} » pour l'exercice ${yearName}.`,
      `Ce lien personnel ouvre l'exercice clôturé en lecture seule, sans compte : le compte rendu financier, le cahier, le rapprochement bancaire et les pièces. Vous y donnez quitus ou émettez des réserves.`,
      link,
      '',
      `Le lien est valable jusqu'au ${facts.until} et sert une seule fois. Ne le transmettez à personne : il vaut signature.`,
      '',
      'Cahier Coop',
    ].join('\n'),
  };
}

/** The AD's decision on a coop's submission, to one of its mandataires (the reason of a return quoted). */
export function submissionDecisionLetter(
  to: { username: string; name: string | null; email: string },
  facts: { coop: { coopId: string; name: string; department: string }; year: number; version: number; decision: 'accept' | 'return'; reason: string | null },
  link: string,
): NewMessage {
  const yearName = `${facts.year}-${facts.year + 1}`;
  const accepted = facts.decision === 'accept';
  return {
    to: to.email,
    subject: `Cahier Coop — bilan ${yearName} ${accepted ? 'accepté' : 'renvoyé'} par l'association départementale`,
    kind: 'submission-decision',
    coopId: facts.coop.coopId,
    department: facts.coop.department,
    cause: `submission-decision:${facts.coop.coopId}:${facts.year}:${facts.version}:${to.username}`,
    text: [
      `Bonjour${to.name ? ` ${to.name}` : ''},`,
      '',
      accepted
        ? `L'association départementale a accepté le bilan ${yearName} de ${facts.coop.name} (version ${facts.version}).`
        : `L'association départementale a renvoyé le bilan ${yearName} de ${facts.coop.name} (version ${facts.version}), pour cette raison : « ${facts.reason ?? ''} ». Corrigez-le puis envoyez-le de nouveau.`,
      link,
      '',
      'Cahier Coop',
    ].join('\n'),
  };
}
