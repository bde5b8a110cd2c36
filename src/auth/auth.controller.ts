import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { InjectThrottlerStorage } from '@nestjs/throttler';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '../config/env';
import { CurrentUser } from '../common/current-user.decorator';
import { Audit, AuditableRequest } from '../audit/audit.interceptor';
import { LoginDto, LoginResponse, UserView } from './auth.dto';
import { LoginThrottledRequest, LoginThrottlerGuard } from './login-throttler.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { AuthService } from './auth.service';
import { AuthedRequest, AuthUser, MinRole, Public } from './roles';
import { SESSION_COOKIE } from './tokens';
import { UsersService, toUserView } from './users.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectThrottlerStorage() private readonly attempts: RedisThrottlerStorage,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  @Audit('auth.login', 'user')
  @ApiOkResponse({ type: LoginResponse })
  @ApiTooManyRequestsResponse({ description: 'too many attempts for this user name or address' })
  async login(@Body() dto: LoginDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response): Promise<LoginResponse> {
    const { accessToken, expiresAt, user } = await this.auth.login(dto.username, dto.password, req.ip);
    for (const [throttler, key] of (req as LoginThrottledRequest).loginUserKeys ?? []) await this.attempts.forget(throttler, key);
    (req as AuditableRequest).auditObjectId = user.id;
    res.cookie(SESSION_COOKIE, accessToken, {
      httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', expires: expiresAt,
    });
    return { accessToken, expiresAt: expiresAt.toISOString(), user: toUserView(await this.users.get(user.id)) };
  }

  @Post('logout')
  @HttpCode(204)
  @MinRole('viewer')
  @Audit('auth.logout', 'user')
  @ApiBearerAuth()
  async logout(@CurrentUser() user: AuthUser, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(user);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: UserView })
  async me(@CurrentUser() user: AuthUser) {
    return toUserView(await this.users.get(user.id));
  }
}
