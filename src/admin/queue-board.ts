// admin/: the BullMQ dashboard (bull-board) at /admin/queues, for admins only: every queue in
// QueueName, behind the same bearer-token-or-session-cookie check as the API, so an admin's
// browser opens it with the session cookie from login. Its actions (retry, remove, pause…) stay
// on, each one written to the audit log: handlers are idempotent and read their state from
// MySQL, so a retried or removed job breaks nothing the reconciler does not heal.
import { ForbiddenException, InternalServerErrorException, Logger, UnauthorizedException } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { getQueueToken } from '@nestjs/bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { bearerOrCookie, CROSS_SITE_WRITE, crossSiteCookieWrite } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';
import { AuthedRequest } from '../auth/roles';
import { toErrorBody } from '../common/http-exception.filter';
import { QueueName } from '../queue/queue.constants';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** Mounts the board on the HTTP app; call before init so that it precedes Nest's routes. */
export function mountQueueBoard(app: NestExpressApplication): void {
  const queues = Object.values(QueueName).map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  const board = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Teknisi queues' } },
  });
  app.use(QUEUE_BOARD_PATH, adminOnly(app.get(AuthService)), auditActions(app.get(AuditService)), board.getRouter());
}

/** 401 without credentials, 403 below admin or for a cross-site write by the cookie; the same token and cookie rules as AuthGuard. */
export function adminOnly(auth: AuthService): RequestHandler {
  const logger = new Logger('QueueBoard');
  const refuse = (res: Response, err: unknown) => {
    const body = toErrorBody(err);
    res.status(body.statusCode).set('Cache-Control', 'no-store').json(body);
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const token = bearerOrCookie(req as AuthedRequest);
    const checked = token ? auth.authenticate(token) : Promise.resolve(null);
    checked.then(
      (user) => {
        if (!user) return refuse(res, new UnauthorizedException('Log in first: send a bearer token or the session cookie'));
        if (user.role !== 'admin') return refuse(res, new ForbiddenException(`The queue dashboard needs the admin role; you are ${user.role}`));
        if (crossSiteCookieWrite(req as AuthedRequest)) return refuse(res, new ForbiddenException(CROSS_SITE_WRITE));
        (req as AuthedRequest).user = user;
        next();
      },
      (err: Error) => {
        logger.error({ err: err.message }, 'could not check the credentials of a queue dashboard request');
        refuse(res, new InternalServerErrorException());
      },
    );
  };
}

/** Every request that can change a queue (not GET/HEAD) leaves an audit row once answered. */
function auditActions(audit: AuditService): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const path = req.path; // below the board, e.g. /api/queues/discovery/retry/failed
    res.on('finish', () => {
      const user = (req as AuthedRequest).user;
      const parts = path.replace(/^\/api\/queues\/?/, '').split('/').filter(Boolean).map(decodeSegment);
      void audit.record({
        userId: user?.id ?? null, username: user?.username ?? null,
        action: `queues.${req.method.toLowerCase()}`, objectType: 'queue', objectId: parts[0] ?? null,
        summary: { path: `${QUEUE_BOARD_PATH}${path}`, ...(req.body && Object.keys(req.body).length ? { body: req.body } : {}) },
        ip: req.ip ?? null, requestId: (req as AuthedRequest).id ?? null, statusCode: res.statusCode,
      });
    });
    next();
  };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
