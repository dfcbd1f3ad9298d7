import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ID_PATTERN } from '../events/streams';
import { type MessageStore } from '../messages/message-store';
import { MessageReads, mayReadMessages, messageRow } from '../reads/messages';
import { MESSAGE_STORE } from '../tokens';
import { SessionUser } from '../users/user-directory';
import { AuthenticatedGuard, CurrentUser } from './auth/guards';
import { ApiError } from './errors.filter';

const forbidden = (): ApiError =>
  new ApiError(403, { error: 'forbidden', code: 'FORBIDDEN', message: "Les messages envoyés se lisent par l'association départementale et l'administrateur." });

/** Absent, or another department's: the same answer. */
export const messageNotFound = (): ApiError => new ApiError(404, { error: 'not_found', code: 'MESSAGE_NOT_FOUND', message: 'Ce message est introuvable.' });

/** API.md "Messages": what was sent (or kept, or failed), for the admin and each department's treasurer. */
@Controller('api/messages')
@UseGuards(AuthenticatedGuard)
export class MessagesApiController {
  private readonly reads: MessageReads;

  constructor(@Inject(MESSAGE_STORE) store: MessageStore) {
    this.reads = new MessageReads(store);
  }

  @Get()
  async list(@CurrentUser() user: SessionUser, @Query('coopId') coopId?: unknown) {
    if (!mayReadMessages(user)) throw forbidden();
    if (coopId !== undefined && (typeof coopId !== 'string' || !ID_PATTERN.test(coopId))) return [];
    return (await this.reads.list(user, coopId)).map(messageRow);
  }

  @Get(':messageId')
  async one(@CurrentUser() user: SessionUser, @Param('messageId') messageId: string) {
    if (!mayReadMessages(user)) throw forbidden();
    const message = await this.reads.get(user, messageId);
    if (!message) throw messageNotFound();
    return { ...messageRow(message), text: message.text };
  }
}
