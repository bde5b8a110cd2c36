// common/: structured JSON logs (pino). Each HTTP request gets an id (honouring X-Request-Id)
// that every line logged while serving it carries; headers that hold secrets are redacted.
import { RequestMethod } from '@nestjs/common';
import * as crypto from 'node:crypto';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from '../config/env';
import { SECRET_FIELDS } from './redact';

export function loggerOptions(config: AppConfig, stream?: DestinationStream): Params {
  return {
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      redact: {
        paths: [
          'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
          ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id, method: req.method, url: String(req.url).replace(/([?&](?:token|access_token)=)[^&]*/gi, '$1[redacted]'), remoteAddress: req.remoteAddress,
        }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/api/health' || req.url === '/metrics' },
      ...(stream ? { stream } : {}),
    },
  };
}
