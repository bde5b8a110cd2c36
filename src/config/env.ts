// config/: the environment schema. Parsed and validated once at start-up; every
// problem is listed in one message so that an admin fixes them all in one go.
import * as path from 'node:path';
import * as ipaddr from 'ipaddr.js';
import { parseTargets, targetErrorParts } from '../common/targets';

export type Role = 'api' | 'worker' | 'all';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  nodeEnv: string;
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  role: Role;
  secretKey?: string;
  adminPassword?: string;
  logLevel: LogLevel;
  dataDir: string;
  staleDays: number;
  jobOutputRetentionDays: number;
  queuePrefix: string;
  tlsCert?: string;
  tlsKey?: string;
  metricsToken?: string;
  sessionTtlHours: number;
  passwordHashMemoryKib: number;
  trustProxy: string | false;
  loginLimitPerUser: number;
  loginLimitPerAddress: number;
  maxScanAddresses: number;
  /** addresses, ranges, blocks and host names no scan may contact */
  scanExclude: string[];
  scanMaxInFlight: number;
  /** one address's whole scan (probes, logins, collection), seconds: past it the address is abandoned */
  scanAddressTimeoutS: number;
  scanRetentionDays: number;
  /** SNMP data one device's collection may bring (MiB): a part that passes it is left out */
  snmpMaxDeviceMb: number;
  /** offer old devices' SSH algorithms (SHA-1 key exchange, CBC ciphers) after every modern one */
  sshLegacyAlgorithms: boolean;
  jobMaxParallel: number;
  jobLeaseMs: number;
  jobReconcileMs: number;
  /** configuration text one search scans at most (MiB): a search that reaches it stops and says so */
  configSearchMaxMb: number;
  /** agents' reports one API process stores at once; more are answered 503 with Retry-After */
  reportsInFlight: number;
}

interface VarSpec {
  name: string;
  help: string;
  /** never printed, not even in validation errors */
  sensitive?: boolean;
  default?: string;
}

/** Every variable Teknisi reads. README and .env.example document the same list. */
export const ENV_VARS: VarSpec[] = [
  { name: 'NODE_ENV', help: 'production enables strict secret handling', default: 'development' },
  { name: 'PORT', help: 'HTTP port of the API', default: '3000' },
  { name: 'HOST', help: 'address the API listens on', default: '0.0.0.0' },
  { name: 'DATABASE_URL', help: 'MySQL/MariaDB URL; the database is created if missing', default: 'mysql://root@127.0.0.1:3306/teknisi', sensitive: true },
  { name: 'REDIS_URL', help: 'Redis URL for the job queues', default: 'redis://127.0.0.1:6379', sensitive: true },
  { name: 'TEKNISI_ROLE', help: 'api, worker or all', default: 'all' },
  { name: 'TEKNISI_SECRET_KEY', help: 'key that encrypts credentials and signs sessions (>= 32 characters)', sensitive: true },
  { name: 'TEKNISI_ADMIN_PASSWORD', help: 'password of the first admin, used only when no user exists', sensitive: true },
  { name: 'LOG_LEVEL', help: 'fatal, error, warn, info, debug, trace or silent', default: 'info' },
  { name: 'TEKNISI_DATA_DIR', help: 'where generated key and password files are written', default: './data' },
  { name: 'TEKNISI_STALE_DAYS', help: 'days without a sighting before a device becomes stale', default: '30' },
  { name: 'TEKNISI_JOB_OUTPUT_RETENTION_DAYS', help: 'days that job output is kept', default: '90' },
  { name: 'TEKNISI_QUEUE_PREFIX', help: 'Redis key prefix of the queues (keep the {hash tag} for Redis Cluster)', default: '{teknisi}' },
  { name: 'TEKNISI_TLS_CERT', help: 'path of a PEM certificate: serve HTTPS' },
  { name: 'TEKNISI_TLS_KEY', help: 'path of the PEM private key for TEKNISI_TLS_CERT' },
  { name: 'TEKNISI_METRICS_TOKEN', help: 'bearer token that may read /metrics besides admins', sensitive: true },
  { name: 'TEKNISI_SESSION_TTL_HOURS', help: 'lifetime of a login session', default: '12' },
  { name: 'TEKNISI_TRUST_PROXY', help: 'Express trust proxy setting when behind a reverse proxy (e.g. loopback, 1)', default: '' },
  { name: 'TEKNISI_PASSWORD_HASH_MEMORY_KIB', help: 'memory of each new password hash (argon2id, 3 passes): lower it only where memory is scarce, or for tests', default: '65536' },
  { name: 'TEKNISI_LOGIN_LIMIT_PER_USER', help: 'login attempts per user name and client address per 15 minutes (ten times as many per user name from all addresses)', default: '10' },
  { name: 'TEKNISI_LOGIN_LIMIT_PER_ADDRESS', help: 'login attempts per client address per minute', default: '30' },
  { name: 'TEKNISI_MAX_SCAN_ADDRESSES', help: 'most addresses one discovery scan may cover', default: '65536' },
  { name: 'TEKNISI_SCAN_EXCLUDE', help: 'addresses, ranges, CIDR blocks and host names that no scan may contact, separated by commas or spaces; every scan leaves them out and lists them', default: '' },
  { name: 'TEKNISI_SCAN_MAX_IN_FLIGHT', help: 'most addresses one worker probes at once over all its scans (each holds a socket per SNMP credential plus two for the probes)', default: '256' },
  { name: 'TEKNISI_SNMP_MAX_DEVICE_MB', help: 'most SNMP data (MiB) one device\'s collection may bring; a part of its inventory that passes it is left out, the scan says so, and what was stored before stays', default: '16' },
  { name: 'TEKNISI_SSH_LEGACY_ALGORITHMS', help: 'on: also offer, after every modern one, the SHA-1 key exchanges and CBC ciphers that old network devices need; off: refuse such devices', default: 'on' },
  { name: 'TEKNISI_SCAN_RETENTION_DAYS', help: 'days that a finished scan and its per-address results are kept (each saved range keeps its latest scan)', default: '90' },
  { name: 'TEKNISI_SCAN_ADDRESS_TIMEOUT', help: 'seconds one address may take in a scan (probes, logins, collection) before it is abandoned with nothing stored and the scan goes on', default: '600' },
  { name: 'TEKNISI_JOB_MAX_PARALLEL', help: 'most job targets one worker runs at once over all its job runs (each holds an SSH connection)', default: '50' },
  { name: 'TEKNISI_JOB_LEASE_MS', help: 'how long a job target (and its device) stays claimed by a worker that stops renewing it, e.g. because it was killed', default: '60000' },
  { name: 'TEKNISI_JOB_RECONCILE_MS', help: 'how often each worker re-queues job targets whose worker died or whose queue entry Redis lost, fires due job schedules and applies deadlines', default: '10000' },
  { name: 'TEKNISI_CONFIG_SEARCH_MAX_MB', help: 'most configuration text (MiB) one configuration search scans; a search that reaches it stops and says so', default: '64' },
  { name: 'TEKNISI_REPORTS_IN_FLIGHT', help: "agents' reports one API process stores at once (each holds one of its 20 database connections); more are answered 503 with Retry-After, so that a burst of agents leaves connections for the UI", default: '8' },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') return raw.trim();
    return ENV_VARS.find((v) => v.name === name)?.default;
  };
  const int = (name: string, min: number, max: number): number => {
    const raw = get(name) ?? '';
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return min;
    }
    return n;
  };
  /** `check`: what else the URL must be, as a problem, or null */
  const url = (name: string, protocols: string[], check?: (u: URL) => string | null): string => {
    const raw = get(name) ?? '';
    let u: URL;
    try {
      u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
    } catch {
      // the value may hold a password: name the variable and the expected shape, not the value
      problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      return raw;
    }
    const problem = check?.(u);
    if (problem) problems.push(problem);
    return raw;
  };

  const nodeEnv = get('NODE_ENV') ?? 'development';
  const role = (get('TEKNISI_ROLE') ?? 'all') as Role;
  if (!['api', 'worker', 'all'].includes(role)) problems.push(`TEKNISI_ROLE must be api, worker or all (got "${role}")`);
  const logLevel = (get('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  const secretKey = get('TEKNISI_SECRET_KEY');
  if (secretKey !== undefined && secretKey.length < 32) problems.push('TEKNISI_SECRET_KEY must be at least 32 characters long');
  if (secretKey === undefined && nodeEnv === 'production') {
    problems.push('TEKNISI_SECRET_KEY is required when NODE_ENV=production (generate one with: openssl rand -base64 48)');
  }
  const adminPassword = get('TEKNISI_ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 12) problems.push('TEKNISI_ADMIN_PASSWORD must be at least 12 characters long');

  const tlsCert = get('TEKNISI_TLS_CERT');
  const tlsKey = get('TEKNISI_TLS_KEY');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) problems.push('TEKNISI_TLS_CERT and TEKNISI_TLS_KEY must be set together');

  const queuePrefix = get('TEKNISI_QUEUE_PREFIX') ?? '{teknisi}';
  if (!/^[A-Za-z0-9:{}_.-]{1,64}$/.test(queuePrefix)) problems.push('TEKNISI_QUEUE_PREFIX may hold only letters, digits and :{}_.- (at most 64)');

  const metricsToken = get('TEKNISI_METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) problems.push('TEKNISI_METRICS_TOKEN must be at least 16 characters long');

  const trustProxyRaw = (get('TEKNISI_TRUST_PROXY') ?? '').trim();
  const trustProblem = trustProxyProblem(trustProxyRaw);
  if (trustProblem) problems.push(trustProblem);

  const scanExclude = (get('TEKNISI_SCAN_EXCLUDE') ?? '').split(/[\s,]+/).filter(Boolean);
  for (const e of parseTargets([], 1, scanExclude).errors) problems.push(`TEKNISI_SCAN_EXCLUDE: ${targetErrorParts(e).message}`);

  const legacy = get('TEKNISI_SSH_LEGACY_ALGORITHMS') ?? 'on';
  if (!['on', 'off'].includes(legacy)) problems.push(`TEKNISI_SSH_LEGACY_ALGORITHMS must be on or off (got "${legacy}")`);

  const config: AppConfig = {
    nodeEnv,
    production: nodeEnv === 'production',
    port: int('PORT', 0, 65535),
    host: get('HOST') ?? '0.0.0.0',
    databaseUrl: url('DATABASE_URL', ['mysql:', 'mariadb:']),
    // the path of a Redis URL is its database number: anything else (redis://h/2/, /queue) read as
    // NaN, which ioredis takes for database 0, the one another installation may be using
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:'], (u) => (u.pathname.length > 1 && !/^\/\d{1,5}$/.test(u.pathname) ? 'REDIS_URL may end in a database number only (redis://host:6379/2)' : null)),
    role,
    secretKey,
    adminPassword,
    logLevel,
    dataDir: path.resolve(get('TEKNISI_DATA_DIR') ?? './data'),
    staleDays: int('TEKNISI_STALE_DAYS', 1, 3650),
    jobOutputRetentionDays: int('TEKNISI_JOB_OUTPUT_RETENTION_DAYS', 1, 3650),
    queuePrefix,
    tlsCert,
    tlsKey,
    metricsToken,
    sessionTtlHours: int('TEKNISI_SESSION_TTL_HOURS', 1, 24 * 30),
    passwordHashMemoryKib: int('TEKNISI_PASSWORD_HASH_MEMORY_KIB', 1024, 4_194_304),
    trustProxy: trustProxyRaw === '' ? false : trustProxyRaw,
    loginLimitPerUser: int('TEKNISI_LOGIN_LIMIT_PER_USER', 1, 10000),
    loginLimitPerAddress: int('TEKNISI_LOGIN_LIMIT_PER_ADDRESS', 1, 100000),
    maxScanAddresses: int('TEKNISI_MAX_SCAN_ADDRESSES', 1, 16_777_216),
    scanExclude,
    scanMaxInFlight: int('TEKNISI_SCAN_MAX_IN_FLIGHT', 1, 16384),
    scanAddressTimeoutS: int('TEKNISI_SCAN_ADDRESS_TIMEOUT', 1, 86_400),
    scanRetentionDays: int('TEKNISI_SCAN_RETENTION_DAYS', 1, 3650),
    snmpMaxDeviceMb: int('TEKNISI_SNMP_MAX_DEVICE_MB', 1, 4096),
    sshLegacyAlgorithms: legacy !== 'off',
    jobMaxParallel: int('TEKNISI_JOB_MAX_PARALLEL', 1, 4096),
    jobLeaseMs: int('TEKNISI_JOB_LEASE_MS', 2000, 3_600_000),
    jobReconcileMs: int('TEKNISI_JOB_RECONCILE_MS', 100, 3_600_000),
    configSearchMaxMb: int('TEKNISI_CONFIG_SEARCH_MAX_MB', 1, 65_536),
    reportsInFlight: int('TEKNISI_REPORTS_IN_FLIGHT', 1, 1000),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** A URL with its password replaced, fit for log lines and error messages. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** proxy-addr's names for address ranges, which Express's `trust proxy` takes besides addresses and subnets */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a subnet (10.0.0.0/8, fd00::/8) or an IPv4 address with a netmask (10.0.0.0/255.0.0.0). */
function isAddressOrSubnet(s: string): boolean {
  if (ipaddr.isValid(s)) return true;
  const [ip, bits, ...rest] = s.split('/');
  if (rest.length || bits === undefined || !ipaddr.isValid(ip)) return false;
  if (/^\d{1,3}$/.test(bits)) return Number(bits) <= (ipaddr.parse(ip).kind() === 'ipv4' ? 32 : 128);
  return ipaddr.IPv4.isValidFourPartDecimal(bits) && ipaddr.IPv4.parse(bits).prefixLengthFromSubnetMask() !== null;
}

/**
 * Why a TEKNISI_TRUST_PROXY value is refused, or null: a hop count, or the proxies' addresses,
 * subnets and range names, comma-separated. `true` is refused (it would believe any client's own
 * X-Forwarded-For: the per-address login limit dodged, a false address in the audit log), and so is
 * a misspelt entry, which Express would otherwise reject only when the server starts listening.
 */
function trustProxyProblem(raw: string): string | null {
  if (raw === '' || /^\d{1,3}$/.test(raw)) return null;
  if (/^(?:true|false)$/i.test(raw)) {
    return `TEKNISI_TRUST_PROXY must be a hop count or the proxy's addresses, not "${raw}" (true would trust every client's own X-Forwarded-For; leave it empty when there is no proxy)`;
  }
  const bad = raw.split(',').map((s) => s.trim()).filter((s) => s && !PROXY_RANGES.has(s) && !isAddressOrSubnet(s));
  if (!bad.length && raw.split(',').some((s) => s.trim())) return null;
  const shown = (bad.length ? bad : [raw]).slice(0, 3).map((s) => `"${s.slice(0, 64)}"`).join(', ');
  return `TEKNISI_TRUST_PROXY must be a hop count or comma-separated proxy addresses, subnets (10.0.0.0/8), loopback, linklocal or uniquelocal (got ${shown})`;
}
