import { Body, Controller, Get, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { commandContext } from '../../commands/command-context';
import { ChangeDepartmentIdentity } from '../../commands/department.commands';
import { ProjectedCommandBus } from '../../commands/projected-command-bus';
import { departmentIdentity } from '../../projections/departments.projection';
import { ReadStore } from '../../projections/read-store';
import { READ_STORE } from '../../tokens';
import { SessionUser } from '../../users/user-directory';
import { Access, CurrentUser, DepartmentScopeGuard } from '../auth/guards';
import { attempt } from '../pages/year-page';
import { departmentBase, DepartmentView } from './department-view';

type Form = Record<string, unknown>;

/** The treasurer's page of the association itself: its name, SIREN/SIRET and address. */
@Controller('departements/:dept/association')
@UseGuards(DepartmentScopeGuard)
@Access('identity')
export class AssociationPagesController {
  constructor(
    private readonly page: DepartmentView,
    private readonly commands: ProjectedCommandBus,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  @Get()
  async show(@Param('dept') department: string, @Res() res: Response) {
    const identity = await departmentIdentity(this.store, department);
    this.render(res, department, identity ?? {}, {}, 200);
  }

  @Post()
  async change(@Param('dept') department: string, @Body() body: Form, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const identity = { name: body.name, siren: body.siren, siret: body.siret, address: body.address };
    const refusal = await attempt(() =>
      this.commands.execute(new ChangeDepartmentIdentity(department, { type: 'ChangeDepartmentIdentity', identity }, commandContext(user))),
    );
    if (refusal) return this.render(res, department, identity, refusal.errors, refusal.status);
    this.page.done(res, `${departmentBase(department)}/association`, "L'identité de l'association est enregistrée.");
  }

  private render(res: Response, department: string, identity: Form, errors: Record<string, string>, status: number): void {
    const shown = Object.fromEntries(['name', 'siren', 'siret', 'address'].map((k) => [k, typeof identity[k] === 'string' ? identity[k] : '']));
    this.page.render(
      res,
      'department/identity',
      department,
      'association',
      {
        title: `Association départementale ${department}`,
        identity: shown,
        errors,
        formError: errors._form,
        action: `${departmentBase(department)}/association`,
      },
      { status },
    );
  }
}
