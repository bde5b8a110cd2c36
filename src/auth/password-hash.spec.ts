import * as argon2 from 'argon2';
import { loadConfig } from '../config/env';
import { DEFAULT_PASSWORD_HASH_MEMORY_KIB, hashPassword, setPasswordHashMemory, verifyPassword } from './auth.service';

/** the parameters a PHC string names: m, t, p */
const params = (hash: string) => Object.fromEntries(hash.split('$')[3].split(',').map((kv) => kv.split('=')));

const base = { DATABASE_URL: 'mysql://root@127.0.0.1:3306/x', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('password hashes', () => {
  afterEach(() => setPasswordHashMemory(DEFAULT_PASSWORD_HASH_MEMORY_KIB));

  it('are argon2id with 64 MiB, 3 passes and 4 lanes unless configured', async () => {
    expect(loadConfig(base).passwordHashMemoryKib).toBe(65_536);
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(params(hash)).toEqual({ m: '65536', t: '3', p: '4' });
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse batter')).toBe(false);
  });

  it('take TEKNISI_PASSWORD_HASH_MEMORY_KIB for new hashes; a hash made before verifies with its own parameters', async () => {
    const before = await argon2.hash('kept password', { type: argon2.argon2id });
    setPasswordHashMemory(loadConfig({ ...base, TEKNISI_PASSWORD_HASH_MEMORY_KIB: '4096' }).passwordHashMemoryKib);
    expect(params(await hashPassword('new password'))).toEqual({ m: '4096', t: '3', p: '4' });
    expect(await verifyPassword(before, 'kept password')).toBe(true);
  });
});
