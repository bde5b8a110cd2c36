// audit/: records every write made through the API (and every refused or failed login),
// with the request body as the change summary, secrets redacted.
import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, tap } from 'rxjs';
import type { AuthedRequest } from '../auth/roles';
import type { AuditAction, AuditObjectType } from './audit-actions';
import { AuditService } from './audit.service';

export const AUDIT_META = 'teknisi:audit';

/** Names a write in the audit log: `@Audit('device.update', 'device')`, names listed in audit-actions.ts. */
export const Audit = (action: AuditAction, objectType?: AuditObjectType) => SetMetadata(AUDIT_META, { action, objectType });

/**
 * A write left out of the audit log: agents' inventory reports (every machine, every hour),
 * which leave their trace as device history and sources instead.
 */
export const NotAudited = () => SetMetadata(AUDIT_META, { skip: true });

export type AuditableRequest = AuthedRequest & { auditSummary?: unknown; auditObjectId?: string | number };

/**
 * How a request is named in the audit log, or null when it is not logged: a read, or a route
 * marked @NotAudited. The route's @Audit name, else its method and path. Shared by the
 * interceptor (writes that reach their handler) and the guard (writes refused for their role).
 */
export function auditedWrite(reflector: Reflector, ctx: ExecutionContext, req: AuthedRequest): { action: string; objectType: string | null } | null {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return null;
  const meta = reflector.get<{ action: string; objectType?: string; skip?: boolean } | undefined>(AUDIT_META, ctx.getHandler());
  if (meta?.skip) return null;
  return { action: meta?.action ?? `${req.method} ${req.route?.path ?? req.path}`, objectType: meta?.objectType ?? null };
}

@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<AuditableRequest>();
    const named = auditedWrite(this.reflector, ctx, req);
    if (!named) return next.handle();
    const { action, objectType } = named;
    const write = (statusCode: number, body: unknown) => {
      const objectId = req.auditObjectId ?? req.params?.id ?? (body as { id?: unknown } | undefined)?.id;
      const user = req.user ?? (body as { user?: { id: number; username: string } } | undefined)?.user;
      const summary = req.auditSummary ?? (typeof req.body === 'object' && req.body && Object.keys(req.body).length ? req.body : undefined);
      return this.audit.record({
        userId: user?.id ?? null, username: user?.username ?? (action === 'auth.login' ? String(req.body?.username ?? '').slice(0, 64) : null),
        action, objectType, objectId: typeof objectId === 'string' || typeof objectId === 'number' ? objectId : null,
        summary, ip: req.ip ?? null, requestId: req.id ?? null, statusCode,
      });
    };
    return next.handle().pipe(
      tap({
        next: (body) => void write(ctx.switchToHttp().getResponse().statusCode, body),
        error: (err) => {
          const status = err instanceof HttpException ? err.getStatus() : 500;
          if (status === 401 || status === 403 || status === 429 || status >= 500) void write(status, undefined);
        },
      }),
    );
  }
}
