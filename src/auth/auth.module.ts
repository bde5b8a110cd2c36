// auth/: users, roles, login sessions, API tokens and the global guard.
import { Global, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { createSecretKey } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/env';
import { deriveKey, ROOT_KEY, RootKey } from '../config/secret-key';
import { REDIS } from '../common/redis.module';
import { JobRegistry } from '../queue/job-registry';
import { JobName } from '../queue/queue.constants';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { loginAddressKey, loginNameKey, LOGIN_USER_ADDRESS_THROTTLER, LOGIN_USER_SPREAD, LOGIN_USER_THROTTLER } from './login-throttler.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [ROOT_KEY],
      // a KeyObject, not a string: jsonwebtoken otherwise tries (and fails) to parse a string
      // secret as a public key on every verify, which costs ~0.8 ms a request
      useFactory: (root: RootKey) => ({
        secret: createSecretKey(Buffer.from(deriveKey(root.material, 'session-jwt-v1').toString('base64'))),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: [
          { name: 'login-address', ttl: 60_000, limit: config.loginLimitPerAddress, getTracker: (req: Record<string, any>) => loginAddressKey(req.ip) },
          {
            name: LOGIN_USER_ADDRESS_THROTTLER, ttl: 15 * 60_000, limit: config.loginLimitPerUser,
            getTracker: (req: Record<string, any>) => `${loginNameKey(req.body?.username)}|${loginAddressKey(req.ip)}`,
          },
          {
            name: LOGIN_USER_THROTTLER, ttl: 15 * 60_000, limit: config.loginLimitPerUser * LOGIN_USER_SPREAD,
            getTracker: (req: Record<string, any>) => loginNameKey(req.body?.username),
          },
        ],
        storage: new RedisThrottlerStorage(redis, config.queuePrefix),
      }),
    }),
  ],
  controllers: [AuthController, UsersController, TokensController],
  providers: [UsersRepository, AuthService, UsersService, TokensService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, UsersRepository],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly users: UsersRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.PurgeExpiredSessions, async () => ({ purged: await this.users.purgeExpiredSessions(new Date()) }));
  }
}
