// common/: the one exception filter. Every error leaves as {statusCode, error, message, details?};
// unexpected errors are logged once with the request id and never leak their text to the client.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, reqId: req?.id, path: req?.path }, 'unexpected error');
    }
    if (res.headersSent) {
      // a streamed answer (a CSV download, an event stream) that failed part-way: the
      // connection is cut, so that the client sees a failed download; ending it normally
      // saved a file with rows missing that looked complete
      res.destroy();
      return;
    }
    res.status(body.statusCode).json(body);
  }
}

export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const error = STATUS_CODES[statusCode] ?? 'Error';
    const resp = exception.getResponse();
    if (typeof resp === 'string') return { statusCode, error, message: resp };
    const r = resp as { message?: unknown; details?: unknown };
    const message = Array.isArray(r.message) ? r.message.join('; ') : String(r.message ?? exception.message);
    return r.details !== undefined ? { statusCode, error, message, details: r.details } : { statusCode, error, message };
  }
  // body-parser errors carry a status and a type
  const e = exception as { status?: number; type?: string; message?: string };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const message =
      e.type === 'entity.too.large' ? 'Request body is too large' :
      e.type === 'entity.parse.failed' ? 'Request body is not valid JSON' :
      e.type === 'encoding.unsupported' ? 'Unsupported content encoding' : 'Bad request';
    return { statusCode: e.status, error: STATUS_CODES[e.status] ?? 'Error', message };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'Internal server error' };
}
