import { type NewMessage } from './message-store';

export interface MembershipDecisionNews {
  coopId: string;
  coopName: string;
  department: string;
  association: string;
  year: number;
  decision: 'validated' | 'returned';
  reason: string | null;
  /** The coop's "Adhésion" page, absolute. */
  link: string;
  /** Once per decision: a retried request never writes twice. */
  cause: string;
}

/** The AD's decision on a coop's membership, to one of its mandataires. */
export function membershipDecisionLetter(to: { email: string; name: string | null }, news: MembershipDecisionNews): NewMessage {
  const yearName = `${news.year}-${news.year + 1}`;
  const body =
    news.decision === 'validated'
      ? [
          `${news.association} a validé l'adhésion ${yearName} de la coopérative ${news.coopName} (${news.coopId}).`,
          "L'attestation d'adhésion et d'assurance se télécharge sur la page Adhésion, qui propose aussi l'écriture du paiement :",
        ]
      : [
          `${news.association} vous renvoie l'adhésion ${yearName} de la coopérative ${news.coopName} (${news.coopId}), pour la raison suivante :`,
          `« ${news.reason ?? ''} »`,
          '',
          'Corrigez-la puis envoyez-la de nouveau depuis la page Adhésion :',
        ];
  return {
    to: to.email,
    subject: news.decision === 'validated' ? `Adhésion ${yearName} validée — ${news.coopName}` : `Adhésion ${yearName} à corriger — ${news.coopName}`,
    kind: 'membership-decision',
    coopId: news.coopId,
    department: news.department,
    cause: `${news.cause}:${to.email}`,
    text: [`Bonjour${to.name ? ` ${to.name}` : ''},`, '', ...body, news.link, '', 'Cahier Coop'].join('\n'),
  };
}
