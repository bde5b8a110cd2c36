// auth/: user management rules: unique names, hashed passwords, and never losing the last admin.
import { BadRequestException, ConflictException, Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APP_CONFIG, AppConfig } from '../config/env';
import { Page } from '../common/pagination';
import { hashPassword } from './auth.service';
import { CreateUserDto, UpdateUserDto, UserView } from './auth.dto';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

export function toUserView(u: User): UserView {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, disabled: u.disabled, createdAt: u.createdAt, lastLoginAt: u.lastLoginAt };
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    private readonly repo: UsersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** First start with no users: create `admin` (the unique user name makes concurrent starts safe). */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.repo.countUsers()) > 0) return;
    const generated = !this.config.adminPassword;
    const password = this.config.adminPassword ?? crypto.randomBytes(18).toString('base64url');
    const now = new Date();
    const created = await this.repo.insertUser({
      username: 'admin', displayName: 'Administrator', role: 'admin', passwordHash: await hashPassword(password),
      disabled: false, createdAt: now, updatedAt: now,
    });
    if (!created) return;
    if (generated) {
      const file = path.join(this.config.dataDir, 'admin-password.txt');
      fs.mkdirSync(this.config.dataDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      this.logger.warn(`Created user "admin"; its generated password is in ${file} (readable by this account only). Log in, change it, then delete the file.`);
    } else {
      this.logger.log('Created user "admin" with the password from TEKNISI_ADMIN_PASSWORD');
    }
  }

  async list(page: number, limit: number): Promise<Page<UserView>> {
    const [rows, total] = await this.repo.listUsers((page - 1) * limit, limit);
    return { items: rows.map(toUserView), total, page, limit };
  }

  async get(id: number): Promise<User> {
    const u = await this.repo.findById(id);
    if (!u) throw new NotFoundException(`User ${id} does not exist`);
    return u;
  }

  async create(dto: CreateUserDto): Promise<UserView> {
    const now = new Date();
    const u = await this.repo.insertUser({
      username: dto.username, displayName: dto.displayName ?? null, role: dto.role,
      passwordHash: await hashPassword(dto.password), disabled: false, createdAt: now, updatedAt: now,
    });
    if (!u) throw new ConflictException(`User name "${dto.username}" is taken`);
    return toUserView(u);
  }

  async update(id: number, dto: UpdateUserDto, actorId: number): Promise<UserView> {
    const passwordHash = dto.password ? await hashPassword(dto.password) : undefined;
    // a change that would take an admin away, were the user one
    const demotes = (!!dto.role && dto.role !== 'admin') || dto.disabled === true;
    const apply = async () => {
      const u = await this.get(id);
      const losesAdmin = u.role === 'admin' && !u.disabled && demotes;
      if (losesAdmin) await this.keepOneAdmin(id === actorId ? 'You cannot demote or disable yourself as the last admin' : undefined);
      await this.repo.updateUser(id, {
        ...(dto.displayName !== undefined ? { displayName: dto.displayName } : {}),
        ...(dto.role ? { role: dto.role } : {}),
        ...(dto.disabled !== undefined ? { disabled: dto.disabled } : {}),
        ...(passwordHash ? { passwordHash } : {}),
      });
    };
    // a change that can take an admin away is checked and made as one (withAdminsLocked)
    if (demotes) await this.repo.withAdminsLocked(apply);
    else await apply();
    // a new password, a role change or disabling ends the user's login sessions
    if (dto.password || dto.disabled || dto.role) await this.repo.deleteSessionsOf(id);
    return toUserView(await this.get(id));
  }

  async remove(id: number): Promise<void> {
    await this.repo.withAdminsLocked(async () => {
      const u = await this.get(id);
      if (u.role === 'admin' && !u.disabled) await this.keepOneAdmin();
      await this.repo.deleteUser(id);
    });
  }

  private async keepOneAdmin(message = 'Teknisi needs at least one active admin'): Promise<void> {
    if ((await this.repo.countActiveAdmins()) <= 1) throw new BadRequestException(message);
  }
}
