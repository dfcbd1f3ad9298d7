import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type CommandContext } from '../commands/command-context';
import { ExecuteLedgerCommand } from '../commands/ledger.commands';
import { ProjectedCommandBus } from '../commands/projected-command-bus';
import { type Config } from '../config';
import { formatFrenchDate } from '../domain/fiscal-year';
import { invitationCause, quitusInvitationLetter } from '../messages/letters';
import { type MessageStore, type StoredMessage } from '../messages/message-store';
import { Outbox } from '../messages/outbox';
import { type CoopDoc } from '../projections/coops.projection';
import { verifierQualityLabel } from '../reads/words';
import { YearEndReads } from '../reads/year-end-reads';
import { CONFIG, MESSAGE_STORE } from '../tokens';
import { QuitusCodes } from './quitus-codes';

/** API.md "Messages": by e-mail the code is only in the message; on paper the mandataire gets it to print. */
export type Invited =
  { invitationId: string; delivery: 'email'; sentTo: string } | { invitationId: string; delivery: 'paper'; code: string; url: string; letterUrl: string };

/** The message that carried an e-mailed invitation, as the mandataire may see it: that it left and when, never its text. */
export interface InvitationMessage {
  status: StoredMessage['status'];
  at: string;
  sentAt: string | null;
}

export const letterPath = (code: string): string => `/quitus/${code}/lettre`;

/**
 * Inviting a vérificateur, for the API and the page alike: the code drawn, only its hash in the
 * event, then either the e-mail to the vérificateur's address (through the outbox, so a server
 * down loses nothing) or the code handed back once for the paper letter.
 */
@Injectable()
export class QuitusInvitations {
  constructor(
    private readonly commands: ProjectedCommandBus,
    private readonly codes: QuitusCodes,
    private readonly yearEnd: YearEndReads,
    private readonly outbox: Outbox,
    @Inject(MESSAGE_STORE) private readonly messages: MessageStore,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async invite(
    coop: Pick<CoopDoc, 'coopId' | 'name' | 'school' | 'department'>,
    year: number,
    input: { name: string; quality: string; email: string | null },
    context: CommandContext,
  ): Promise<Invited> {
    const { code, codeHash } = this.codes.draw();
    const invitationId = randomUUID();
    await this.commands.execute(
      new ExecuteLedgerCommand(
        coop.coopId,
        year,
        { type: 'InviteVerifier', invitationId, name: input.name, quality: input.quality, codeHash, email: input.email },
        context,
      ),
    );
    const invitation = (await this.yearEnd.yearEnd(coop, year)).invitations.find((i) => i.invitationId === invitationId);
    const url = `/quitus/${code}`;
    if (!invitation || invitation.delivery === 'paper' || !invitation.sentTo)
      return { invitationId, delivery: 'paper', code, url, letterUrl: letterPath(code) };
    await this.outbox.post(
      quitusInvitationLetter(
        {
          invitationId,
          name: invitation.name,
          qualityLabel: verifierQualityLabel(invitation.quality),
          email: invitation.sentTo,
          coop,
          year,
          until: formatFrenchDate(invitation.expiresOn),
        },
        `${this.config.publicUrl}${url}`,
      ),
    );
    return { invitationId, delivery: 'email', sentTo: invitation.sentTo };
  }

  /** The e-mail of each invitation sent so, by invitation id. */
  async messagesOf(invitations: ReadonlyArray<{ invitationId: string; delivery: string }>): Promise<Map<string, InvitationMessage>> {
    const found = new Map<string, InvitationMessage>();
    for (const i of invitations.filter((i) => i.delivery === 'email')) {
      const message = await this.messages.byCause(invitationCause(i.invitationId));
      if (message) found.set(i.invitationId, { status: message.status, at: message.at, sentAt: message.sentAt });
    }
    return found;
  }
}
