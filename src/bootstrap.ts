// Start-up shared by both entry points: configuration, reachability checks with
// clear messages, then the Nest application for the role.
import 'reflect-metadata';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoLogger } from 'nestjs-pino';
import * as fs from 'node:fs';
import * as express from 'express';
import { AppModule, Runtime } from './app.module';
import { verifyJsonDepth } from './common/json-depth';
import { AppConfig, ConfigError, loadConfig, redactUrl } from './config/env';
import { loadRootKey } from './config/secret-key';
import { setPasswordHashMemory } from './auth/auth.service';
import { checkDatabaseReachable } from './database/data-source';
import { checkRedisReachable } from './common/redis.module';
import { AllExceptionsFilter, toErrorBody } from './common/http-exception.filter';
import { validationPipe } from './common/validation';
import { setupOpenApi } from './openapi';
import { mountQueueBoard } from './admin/queue-board';
import { ReportAuthGuard, ReportRequest } from './agents/report-auth.guard';
import { reportBodyParser, reportGate, REPORTS_PATH } from './agents/report-body';
import { mountSpa } from './web/spa';

export async function prepareRuntime(config: AppConfig, logStream?: Runtime['logStream']): Promise<Runtime> {
  const flavor = await checkDatabaseReachable(config.databaseUrl);
  await checkRedisReachable(config.redisUrl);
  const rootKey = loadRootKey(config);
  setPasswordHashMemory(config.passwordHashMemoryKib);
  return { config, flavor, rootKey, logStream };
}

/** Applies what every HTTP app needs: prefix, validation, errors, limits, docs. */
export function configureHttp(app: NestExpressApplication, rt: Runtime): void {
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.disable('x-powered-by');
  if (rt.config.trustProxy !== false) app.set('trust proxy', trustProxyValue(rt.config.trustProxy));
  // agents' reports are let in before their body is read, have their own, larger cap (and say
  // so in their 413); the parser below skips them
  const reports = app.get(ReportAuthGuard, { strict: false });
  app.use(REPORTS_PATH, reportGate((req, res) => reports.admit(req as ReportRequest, res)), reportBodyParser());
  app.use(express.json({ limit: '2mb', verify: verifyJsonDepth }));
  app.use(express.text({ type: ['text/csv', 'text/plain'], limit: '20mb' }));
  // body-parser failures (bad JSON, too large) answer in the house error shape
  app.use((err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!err) return next();
    const body = toErrorBody(err);
    res.status(body.statusCode).json(body);
  });
  app.enableShutdownHooks();
  setupOpenApi(app);
}

/** Express's `trust proxy`: a hop count, or addresses/names such as loopback or 10.0.0.0/8 (loadConfig refused `true`). */
export function trustProxyValue(raw: string): number | string[] {
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

export async function createHttpApp(rt: Runtime, consume: boolean): Promise<NestExpressApplication> {
  const httpsOptions = rt.config.tlsCert
    ? { cert: fs.readFileSync(rt.config.tlsCert), key: fs.readFileSync(rt.config.tlsKey!) }
    : undefined;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(rt, consume), {
    bufferLogs: true,
    bodyParser: false,
    httpsOptions,
  });
  app.useLogger(app.get(PinoLogger));
  // start-up lines (the generated admin password's file, applied migrations) must not wait
  // for listen(): if listening fails they would be lost
  app.flushLogs();
  configureHttp(app, rt);
  // only here: a worker serves no HTTP, and the board must precede Nest's routes (mounted at init)
  mountQueueBoard(app);
  mountSpa(app);
  return app;
}

export async function createWorkerContext(rt: Runtime): Promise<INestApplicationContext> {
  const ctx = await NestFactory.createApplicationContext(AppModule.register(rt, true), { bufferLogs: true });
  ctx.useLogger(ctx.get(PinoLogger));
  ctx.enableShutdownHooks();
  return ctx;
}

/** Runs main() and turns known start-up failures into one readable message and exit code 1. */
export function run(main: () => Promise<unknown>): void {
  main().catch((err) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee README.md (Configuration) or .env.example.\n`);
    } else if (err?.code === 'EADDRINUSE' || err?.code === 'EACCES') {
      process.stderr.write(`Cannot listen on ${err.address ?? ''}:${err.port ?? ''} (${err.code === 'EADDRINUSE' ? 'another program uses that port' : 'permission denied'}): set PORT to a free port.\n`);
    } else if (/^Cannot reach /.test(err?.message ?? '')) {
      process.stderr.write(`${err.message}\n`);
    } else {
      process.stderr.write(`Teknisi failed to start: ${err?.stack ?? err}\n`);
    }
    process.exit(1);
  });
}

export function loadEnv(): AppConfig {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  return loadConfig();
}

export { redactUrl };
export type { INestApplication };
