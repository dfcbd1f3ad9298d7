import { Controller, Get, Inject, Param, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { type MessageStore } from '../../messages/message-store';
import { Outbox } from '../../messages/outbox';
import { parisMoment } from '../../reads/audit-views';
import { MessageReads, messageView } from '../../reads/messages';
import { MESSAGE_STORE } from '../../tokens';
import { SessionUser } from '../../users/user-directory';
import { Access, CurrentUser, DepartmentScopeGuard } from '../auth/guards';
import { messageNotFound } from '../messages-api.controller';
import { departmentBase, DepartmentView } from './department-view';

/** The department's messages (the treasurer's and the admin's), each readable in full: what left, what waits, what failed. */
@Controller('departements/:dept/messages')
@UseGuards(DepartmentScopeGuard)
@Access('identity')
export class MessagesPagesController {
  private readonly reads: MessageReads;

  constructor(
    private readonly page: DepartmentView,
    private readonly outbox: Outbox,
    @Inject(MESSAGE_STORE) store: MessageStore,
  ) {
    this.reads = new MessageReads(store);
  }

  @Get()
  async list(@Param('dept') department: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    // The admin reads all; on a department's page, that department's.
    const messages = (await this.reads.list(user)).filter((m) => m.department === department).map((m) => messageView(m, parisMoment));
    this.page.render(res, 'department/messages', department, 'messages', {
      title: `Messages — département ${department}`,
      messages,
      sending: this.outbox.sending,
      base: `${departmentBase(department)}/messages`,
    });
  }

  @Get(':messageId')
  async one(@Param('dept') department: string, @Param('messageId') messageId: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const message = await this.reads.get(user, messageId);
    if (!message || message.department !== department) throw messageNotFound();
    this.page.render(res, 'department/message', department, 'messages', {
      title: `Message — ${message.subject}`,
      message: messageView(message, parisMoment),
      back: `${departmentBase(department)}/messages`,
    });
  }
}
