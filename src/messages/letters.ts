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
