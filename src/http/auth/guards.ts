import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ID_PATTERN } from '../../events/streams';
import { ApiError, notFound, unauthenticated } from '../errors.filter';
import { canManageDepartment, canReadCoop, canReadDepartment, canWriteCoop, CoopWrite } from './scope';
import { COOP_DIRECTORY } from '../../tokens';
import { SessionUser } from '../../users/user-directory';

export { COOP_DIRECTORY };

/** Where a coop's department is looked up: provided under COOP_DIRECTORY by the importing module. */
export interface CoopDirectory {
  /** null when the coop does not exist. */
  departmentOf(coopId: string): Promise<string | null>;
}

export type Access = 'read' | CoopWrite;
const ACCESS_KEY = 'cahier:access';

/**
 * What a route does to the coop or department it names. Without it: GET/HEAD read, other methods
 * write the ledger (for a coop) or manage the department.
 */
export const Access = (access: Access) => SetMetadata(ACCESS_KEY, access);

/** A change to the coop: its notebook by default, or its identity ('identity'). */
export const WriteAccess = (what: CoopWrite = 'ledger') => Access(what);

const readOnly = (): ApiError =>
  new ApiError(403, {
    error: 'forbidden',
    code: 'READ_ONLY',
    message: 'Votre rôle permet de consulter ces comptes, pas de les modifier.',
  });

function sessionUser(context: ExecutionContext): SessionUser {
  const req = context.switchToHttp().getRequest<Request>();
  if (!req.isAuthenticated?.() || !req.user) throw unauthenticated();
  return req.user as SessionUser;
}

function accessOf(reflector: Reflector, context: ExecutionContext): Access {
  const declared = reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
  if (declared) return declared;
  const method = context.switchToHttp().getRequest<Request>().method;
  return method === 'GET' || method === 'HEAD' ? 'read' : 'ledger';
}

/** 401 without a live session (the error filter sends pages to /login). */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    sessionUser(context);
    return true;
  }
}

export const Authenticated = () => UseGuards(AuthenticatedGuard);

/**
 * Routes with `:coopId`: 404 when the coop is absent or outside the caller's read scope (the two
 * are indistinguishable), 403 when the caller may read it but not make this change.
 */
@Injectable()
export class CoopScopeGuard implements CanActivate {
  constructor(
    @Inject(COOP_DIRECTORY) private readonly coops: CoopDirectory,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = sessionUser(context);
    const coopId = context.switchToHttp().getRequest<Request>().params.coopId;
    if (typeof coopId !== 'string' || !ID_PATTERN.test(coopId)) throw notFound();
    const department = await this.coops.departmentOf(coopId);
    if (department === null) throw notFound();
    const coop = { coopId, department };
    if (!canReadCoop(user, coop)) throw notFound();
    const access = accessOf(this.reflector, context);
    if (access !== 'read' && !canWriteCoop(user, coop, access)) throw readOnly();
    return true;
  }
}

/** Routes with `:dept`: 404 outside read scope, 403 for a change by someone who only reads. */
@Injectable()
export class DepartmentScopeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const user = sessionUser(context);
    const department = context.switchToHttp().getRequest<Request>().params.dept;
    if (typeof department !== 'string' || !ID_PATTERN.test(department)) throw notFound();
    if (!canReadDepartment(user, department)) throw notFound();
    if (accessOf(this.reflector, context) !== 'read' && !canManageDepartment(user, department)) throw readOnly();
    return true;
  }
}

/** The full history and its verification: auditors, the department and the admin, not the mandataire. */
export function auditOnly(user: SessionUser): void {
  if (user.role !== 'mandataire') return;
  throw new ApiError(403, {
    error: 'forbidden',
    code: 'AUDIT_ONLY',
    message: "L'historique complet et sa vérification sont réservés aux vérificateurs et à l'association départementale.",
  });
}

/** The logged-in user of a guarded route. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): SessionUser => context.switchToHttp().getRequest<Request>().user as SessionUser,
);
