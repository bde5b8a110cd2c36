// auth/: roles, the route decorators that say who may call what, and the request's user.
import { SetMetadata } from '@nestjs/common';
import { UserRole } from './user.entity';

const RANK: Record<UserRole, number> = { viewer: 1, technician: 2, admin: 3 };

export function roleAtLeast(role: UserRole, min: UserRole): boolean {
  return RANK[role] >= RANK[min];
}

export const IS_PUBLIC = 'teknisi:public';
export const MIN_ROLE = 'teknisi:min-role';

/** No authentication at all (health, login, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * The least role that may call a route. Without it, reads need a viewer and writes an
 * admin: a new write endpoint that forgets to say is closed, not open.
 */
export const MinRole = (role: UserRole) => SetMetadata(MIN_ROLE, role);

export interface AuthUser {
  id: number;
  username: string;
  role: UserRole;
  via: 'session' | 'token';
  sessionId?: string;
  tokenId?: number;
}

export type AuthedRequest = import('express').Request & { user?: AuthUser; id?: string };
