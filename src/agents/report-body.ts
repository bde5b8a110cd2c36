// agents/: the body parser of POST /api/inventory/reports. Reports are bigger than other
// requests (a workstation's package list), so they get their own cap, and an agent that passes
// it is told in words an admin can act on (413, the size and the limit), as is one whose body
// is not JSON (400). Mounted by configureHttp before the global JSON parser, which then skips
// the already-read body.
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import * as express from 'express';
import { verifyJsonDepth } from '../common/json-depth';

export const REPORTS_PATH = '/api/inventory/reports';
/** 20,000 packages (the most a report may list) at ~200 bytes each, with room to spare */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;

/**
 * Authenticates and rate-limits a report before its body is read (`admit`: ReportAuthGuard's).
 * Nest's guards run after Express's body parsers, so a request with no token, or a wrong one,
 * had up to 8 MiB of JSON parsed first, on the event loop, for anyone who can reach the port.
 * The guard then finds the request admitted.
 */
export function reportGate(admit: (req: express.Request, res: express.Response) => Promise<void>): express.RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || req.path !== '/') return next();
    admit(req, res).then(() => next(), next);
  };
}

export function reportBodyParser(limit = MAX_REPORT_BYTES): express.RequestHandler {
  const parse = express.json({ limit, type: ['application/json', 'application/*+json'], verify: verifyJsonDepth });
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const e = err as { type?: string; length?: number; message?: string };
      if (e.type === 'entity.too.large') {
        const size = typeof e.length === 'number' && e.length > limit ? `${e.length} bytes` : `more than ${limit} bytes`;
        return next(new PayloadTooLargeException(`Inventory report is too large: ${size}; this server accepts at most ${mib(limit)}`));
      }
      if (e.type === 'entity.parse.failed') return next(new BadRequestException(`Inventory report is not valid JSON: ${e.message ?? 'parse error'}`));
      if (e.type === 'entity.verify.failed') return next(new BadRequestException(`Inventory report: ${e.message ?? 'refused'}`));
      next(err);
    });
}
