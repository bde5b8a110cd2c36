import * as fs from 'node:fs';
import * as path from 'node:path';
import express from 'express';
import { trustProxyValue } from '../bootstrap';
import { ConfigError, ENV_VARS, loadConfig, redactUrl } from './env';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig defaults', () => {
  const c = loadConfig({});

  it.each([
    ['nodeEnv', 'development'],
    ['production', false],
    ['port', 3000],
    ['host', '0.0.0.0'],
    ['databaseUrl', 'mysql://root@127.0.0.1:3306/teknisi'],
    ['redisUrl', 'redis://127.0.0.1:6379'],
    ['role', 'all'],
    ['logLevel', 'info'],
    ['staleDays', 30],
    ['jobOutputRetentionDays', 90],
    ['scanRetentionDays', 90],
    ['queuePrefix', '{teknisi}'],
    ['sessionTtlHours', 12],
    ['trustProxy', false],
    ['loginLimitPerUser', 10],
    ['loginLimitPerAddress', 30],
    ['sshLegacyAlgorithms', true],
  ] as Array<[keyof typeof c, unknown]>)('%s defaults to %p', (key, expected) => {
    expect(c[key]).toEqual(expected);
  });

  it('leaves optional secrets and TLS unset', () => {
    expect(c.secretKey).toBeUndefined();
    expect(c.adminPassword).toBeUndefined();
    expect(c.metricsToken).toBeUndefined();
    expect(c.tlsCert).toBeUndefined();
    expect(c.tlsKey).toBeUndefined();
  });

  it('resolves the data directory to an absolute ./data', () => {
    expect(c.dataDir).toBe(path.resolve('./data'));
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '  ', TEKNISI_ROLE: '' }).port).toBe(3000);
    expect(loadConfig({ TEKNISI_ADMIN_PASSWORD: '' }).adminPassword).toBeUndefined();
  });

  it('documents every variable with help text', () => {
    for (const v of ENV_VARS) expect(v.help.length).toBeGreaterThan(5);
    expect(ENV_VARS.filter((v) => v.sensitive).map((v) => v.name)).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'TEKNISI_SECRET_KEY', 'TEKNISI_ADMIN_PASSWORD', 'TEKNISI_METRICS_TOKEN']),
    );
  });
});

describe('loadConfig parses values', () => {
  it('reads TEKNISI_SCAN_EXCLUDE as a list and names each entry it cannot read', () => {
    expect(loadConfig({}).scanExclude).toEqual([]);
    expect(loadConfig({ TEKNISI_SCAN_EXCLUDE: ' 192.0.2.10, 198.51.100.0/24  ups.example,2001:db8::/64 ' }).scanExclude)
      .toEqual(['192.0.2.10', '198.51.100.0/24', 'ups.example', '2001:db8::/64']);
    expect(problemsOf({ TEKNISI_SCAN_EXCLUDE: '192.0.2.10,192.0.2.0/40 bad!host' })).toEqual([
      'TEKNISI_SCAN_EXCLUDE: "192.0.2.0/40" is not a valid CIDR block (like 192.0.2.0/24)',
      'TEKNISI_SCAN_EXCLUDE: "bad!host" is not an address, range, CIDR block or host name',
    ]);
  });

  it('reads integers, roles, levels and proxies', () => {
    const c = loadConfig({
      PORT: '8080', TEKNISI_ROLE: 'worker', LOG_LEVEL: 'debug', TEKNISI_STALE_DAYS: '7',
      TEKNISI_TRUST_PROXY: 'loopback', TEKNISI_LOGIN_LIMIT_PER_USER: '3', NODE_ENV: 'production',
      TEKNISI_SECRET_KEY: 'x'.repeat(32), TEKNISI_DATA_DIR: '/var/lib/teknisi',
    });
    expect(c).toMatchObject({
      port: 8080, role: 'worker', logLevel: 'debug', staleDays: 7, trustProxy: 'loopback',
      loginLimitPerUser: 3, production: true, dataDir: '/var/lib/teknisi',
    });
  });

  it('accepts mariadb:// and rediss:// URLs', () => {
    const c = loadConfig({ DATABASE_URL: 'mariadb://u:p@db:3306/inv', REDIS_URL: 'rediss://cache:6380' });
    expect(c.databaseUrl).toBe('mariadb://u:p@db:3306/inv');
    expect(c.redisUrl).toBe('rediss://cache:6380');
  });
});

describe('loadConfig validation', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 0 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535'],
    [{ PORT: '-1' }, 'PORT must be an integer'],
    [{ PORT: '80.5' }, 'PORT must be an integer'],
    [{ TEKNISI_ROLE: 'bogus' }, 'TEKNISI_ROLE must be api, worker or all (got "bogus")'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ DATABASE_URL: 'postgres://db/x' }, 'DATABASE_URL must be a URL starting with mysql:// or mariadb://'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL must be a URL'],
    [{ REDIS_URL: 'http://cache' }, 'REDIS_URL must be a URL starting with redis:// or rediss://'],
    [{ REDIS_URL: 'redis://cache:6379/2/' }, 'REDIS_URL may end in a database number only (redis://host:6379/2)'],
    [{ REDIS_URL: 'redis://cache:6379/queues' }, 'REDIS_URL may end in a database number only'],
    [{ TEKNISI_SECRET_KEY: 'short' }, 'TEKNISI_SECRET_KEY must be at least 32 characters long'],
    [{ NODE_ENV: 'production' }, 'TEKNISI_SECRET_KEY is required when NODE_ENV=production'],
    [{ TEKNISI_ADMIN_PASSWORD: 'short' }, 'TEKNISI_ADMIN_PASSWORD must be at least 12 characters long'],
    [{ TEKNISI_TLS_CERT: '/etc/cert.pem' }, 'TEKNISI_TLS_CERT and TEKNISI_TLS_KEY must be set together'],
    [{ TEKNISI_TLS_KEY: '/etc/key.pem' }, 'TEKNISI_TLS_CERT and TEKNISI_TLS_KEY must be set together'],
    [{ TEKNISI_QUEUE_PREFIX: 'bad prefix!' }, 'TEKNISI_QUEUE_PREFIX may hold only'],
    [{ TEKNISI_QUEUE_PREFIX: 'x'.repeat(65) }, 'TEKNISI_QUEUE_PREFIX may hold only'],
    [{ TEKNISI_METRICS_TOKEN: 'tiny' }, 'TEKNISI_METRICS_TOKEN must be at least 16 characters long'],
    [{ TEKNISI_STALE_DAYS: '0' }, 'TEKNISI_STALE_DAYS must be an integer from 1 to 3650'],
    [{ TEKNISI_JOB_OUTPUT_RETENTION_DAYS: '4000' }, 'TEKNISI_JOB_OUTPUT_RETENTION_DAYS must be an integer from 1 to 3650'],
    [{ TEKNISI_SESSION_TTL_HOURS: '0' }, 'TEKNISI_SESSION_TTL_HOURS must be an integer from 1 to 720'],
    [{ TEKNISI_PASSWORD_HASH_MEMORY_KIB: '512' }, 'TEKNISI_PASSWORD_HASH_MEMORY_KIB must be an integer from 1024 to 4194304'],
    [{ TEKNISI_LOGIN_LIMIT_PER_USER: 'many' }, 'TEKNISI_LOGIN_LIMIT_PER_USER must be an integer from 1 to 10000'],
    [{ TEKNISI_SSH_LEGACY_ALGORITHMS: 'yes' }, 'TEKNISI_SSH_LEGACY_ALGORITHMS must be on or off (got "yes")'],
    [{ TEKNISI_LOGIN_LIMIT_PER_ADDRESS: '0' }, 'TEKNISI_LOGIN_LIMIT_PER_ADDRESS must be an integer from 1 to 100000'],
    [{ TEKNISI_TRUST_PROXY: 'true' }, 'TEKNISI_TRUST_PROXY must be a hop count or the proxy\'s addresses, not "true"'],
    [{ TEKNISI_TRUST_PROXY: 'TRUE' }, 'not "TRUE" (true would trust every client\'s own X-Forwarded-For'],
    [{ TEKNISI_TRUST_PROXY: 'lopback' }, 'TEKNISI_TRUST_PROXY must be a hop count or comma-separated proxy addresses, subnets (10.0.0.0/8), loopback, linklocal or uniquelocal (got "lopback")'],
    [{ TEKNISI_TRUST_PROXY: 'loopback, 198.51.100.0/33' }, '(got "198.51.100.0/33")'],
    [{ TEKNISI_TRUST_PROXY: '198.51.100.0/255.0.255.0' }, '(got "198.51.100.0/255.0.255.0")'],
    [{ TEKNISI_TRUST_PROXY: ', ,' }, '(got ", ,")'],
  ] as Array<[NodeJS.ProcessEnv, string]>)('%p is refused', (env, expected) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it('lists every problem in one message', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'abc', TEKNISI_ROLE: 'bogus', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toContain('PORT must be an integer');
    expect(message).toContain('TEKNISI_ROLE must be api, worker or all');
    expect(message).toContain('LOG_LEVEL must be one of');
  });

  it('never repeats a secret in its error message', () => {
    const secrets = {
      DATABASE_URL: 'postgres://root:db-hunter2@db/x',
      REDIS_URL: 'http://:redis-hunter2@cache',
      TEKNISI_SECRET_KEY: 'key-hunter2',
      TEKNISI_ADMIN_PASSWORD: 'adm-hunter2',
      TEKNISI_METRICS_TOKEN: 'met-hunter2',
    };
    const problems = problemsOf(secrets);
    expect(problems).toHaveLength(5);
    const text = problems.join('\n');
    for (const secret of ['db-hunter2', 'redis-hunter2', 'key-hunter2', 'adm-hunter2', 'met-hunter2']) expect(text).not.toContain(secret);
  });
});

describe('redactUrl', () => {
  it.each([
    ['mysql://root:s3cret@db:3306/teknisi', 'mysql://root:***@db:3306/teknisi'],
    ['redis://:s3cret@127.0.0.1:6379', 'redis://:***@127.0.0.1:6379'],
    ['rediss://user:p%40ss@cache:6380/2', 'rediss://user:***@cache:6380/2'],
    ['mysql://root@127.0.0.1:3306/teknisi', 'mysql://root@127.0.0.1:3306/teknisi'],
  ])('%s → %s', (raw, expected) => {
    expect(redactUrl(raw)).toBe(expected);
    expect(redactUrl(raw)).not.toContain('s3cret');
  });

  it('gives no part of an unparseable value', () => {
    expect(redactUrl('//root:s3cret@db')).toBe('(unparseable URL)');
  });
});

describe('TEKNISI_TRUST_PROXY', () => {
  // each accepted value must also be one Express takes: it compiles the setting at once, and a
  // value it cannot read would stop the server only when it starts listening
  it.each(['1', '2', 'loopback', 'uniquelocal', 'linklocal', '198.51.100.5', '198.51.100.0/24, loopback', 'fd00::/8', '198.51.100.0/255.255.255.0', '::1'])('%p is taken, as Express takes it', (value) => {
    const c = loadConfig({ TEKNISI_TRUST_PROXY: value });
    expect(c.trustProxy).toBe(value);
    expect(() => express().set('trust proxy', trustProxyValue(value))).not.toThrow();
  });

  it('an empty value trusts no proxy', () => {
    expect(loadConfig({ TEKNISI_TRUST_PROXY: '  ' }).trustProxy).toBe(false);
  });
});

describe('the files that list the variables', () => {
  const read = (f: string) => fs.readFileSync(path.join(__dirname, '..', '..', f), 'utf8');

  it('.env.example names every variable the server reads', () => {
    const example = read('.env.example');
    const missing = ENV_VARS.map((v) => v.name).filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });

  it("docker/compose.yml passes every variable an admin may set in docker/.env on to the containers", () => {
    const compose = read('docker/compose.yml');
    // set by the compose file itself, per service, or meaningless in a container
    const own = new Set(['NODE_ENV', 'PORT', 'HOST', 'DATABASE_URL', 'REDIS_URL', 'TEKNISI_ROLE', 'TEKNISI_DATA_DIR', 'TEKNISI_TLS_CERT', 'TEKNISI_TLS_KEY']);
    const missing = ENV_VARS.map((v) => v.name).filter((name) => !own.has(name) && !new RegExp(`^\\s+${name}: \\$\\{${name}:[-?]`, 'm').test(compose));
    expect(missing).toEqual([]);
  });
});
