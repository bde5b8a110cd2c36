// Patterns that users and admins write — a search's regex, compliance and normalization rules,
// a baseline's ignore list — run in linear time, against the real MariaDB: a pattern that
// backtracks for ever in JavaScript's engine ((a|a)*b over a line of 32 a's held the event loop
// for 27 s in a search and 57 s after creating such a rule, /api/health failing meanwhile)
// answers at once, and what RE2 cannot run (backreferences, lookaround) is a 400 naming the
// field. A search's cost is bounded (TEKNISI_CONFIG_SEARCH_MAX_MB, 1 here). Configurations
// are stored through the service: no device lab.
import { RewriteBuiltinKeyRule1795950000000 } from '../migrations/1795950000000-RewriteBuiltinKeyRule';
import { AddSecretMaskRules1796122555379 } from '../migrations/1796122555379-AddSecretMaskRules';
import { AddDeviceSecretMaskRules1796140000000 } from '../migrations/1796140000000-AddDeviceSecretMaskRules';
import { ConfigsService } from '../src/configs/configs.service';
import { DEFAULT_NORMALIZATION_RULES, normalize } from '../src/configs/normalize';
import { DEVICE_SECRET_RULES } from '../src/configs/normalization-rules';
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

jest.setTimeout(180_000);

/** a line that each of these patterns backtracks over exponentially in JavaScript's engine */
const CATASTROPHIC: Array<[string, string]> = [
  ['(a|a)*b', 'a'.repeat(32)],
  ['(a|aa)*c', 'a'.repeat(40)],
  ['(x+x+)+y', 'x'.repeat(32)],
];
/** generous, for a loaded CI machine (each took 20-120 ms here): each request took 27 s and more before */
const PROMPT_MS = 5000;

let t: TestApp;
let configs: ConfigsService;
let admin: Record<string, string>;
let tech: Record<string, string>;
let viewer: Record<string, string>;
let deviceId: number;

const store = (id: number, text: string) => configs.store(id, text, { source: 'test', trigger: 'manual', jobRunId: null, at: new Date() });

/**
 * The response, how long it took, and the longest the event loop was held meanwhile (the
 * longest gap between the ticks of a 5 ms interval): the time for which /api/health and every
 * other request would have waited.
 */
async function timed(req: () => PromiseLike<{ status: number; body: any }>) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const ticks = [Date.now()];
  const ticker = setInterval(() => ticks.push(Date.now()), 5);
  try {
    const res = await req();
    ticks.push(Date.now());
    return { res, ms: ticks[ticks.length - 1] - ticks[0], blockedMs: Math.max(...ticks.slice(1).map((at, i) => at - ticks[i])) };
  } finally {
    clearInterval(ticker);
  }
}

beforeAll(async () => {
  t = await createTestApp({ env: { TEKNISI_CONFIG_SEARCH_MAX_MB: '1' } });
  configs = t.app.get(ConfigsService);
  admin = bearer(t.adminToken);
  tech = bearer(await t.tokenFor('technician'));
  viewer = bearer(await t.tokenFor('viewer'));
  deviceId = await makeDevice(t.db, { hostname: 'redos-rtr', platform: 'cisco-ios' });
  // no b, c or y but in the lines that make the patterns backtrack: no line matches them
  await store(deviceId, ['hostname redos-rtr', 'ntp server 192.0.2.7', ...CATASTROPHIC.map(([, line]) => line), 'ip http server', ''].join('\n'));
});

afterAll(() => t?.close());

describe('a search by regex', () => {
  it.each(CATASTROPHIC)('?regex=%s answers promptly over a line that backtracks exponentially, without holding the event loop', async (pattern) => {
    const { res, ms, blockedMs } = await timed(() => t.http.get('/api/configs/search').query({ regex: pattern }).set(viewer));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 0, truncated: false });
    expect(ms).toBeLessThan(PROMPT_MS);
    expect(blockedMs).toBeLessThan(PROMPT_MS);
  });

  it('still finds lines with the regexes people write', async () => {
    const hit = (await t.http.get('/api/configs/search').query({ regex: '^ntp server (\\S+)$' }).set(viewer).expect(200)).body;
    expect(hit.items).toEqual([expect.objectContaining({ deviceId, lines: [{ line: 2, text: 'ntp server 192.0.2.7' }] })]);
    expect((await t.http.get('/api/configs/search').query({ regex: '^ip http (?:server|secure-server)$', text: 'http' }).set(viewer).expect(200)).body.total).toBe(1);
    expect((await t.http.get('/api/configs/search').query({ regex: '^IP HTTP' }).set(viewer).expect(200)).body.total).toBe(0);
  });

  it.each([
    ['^(\\S+) \\1$', /^regex: backreferences are not supported \(patterns run in linear time\)/],
    ['^ip (?=http)', /^regex: lookahead is not supported \(patterns run in linear time\)/],
    ['(?<!no )ip http server', /^regex: lookbehind is not supported \(patterns run in linear time\)/],
  ])('refuses %s with a 400 naming the field', async (pattern, message) => {
    const res = await t.http.get('/api/configs/search').query({ regex: pattern }).set(viewer).expect(400);
    expect(res.body.message).toMatch(message);
    expect(res.body.details).toEqual([{ field: 'regex', messages: [expect.any(String)] }]);
  });
});

describe('a compliance rule', () => {
  it.each(CATASTROPHIC)('pattern %s is created promptly, and its evaluation of every device does not hold the API', async (pattern) => {
    const { res, ms, blockedMs } = await timed(async () => {
      const created = await t.http.post('/api/configs/rules').set(admin).send({ name: `never ${pattern}`, kind: 'must-contain', pattern });
      await configs.settled(); // the re-evaluation that blocked the API for 57 s
      return created;
    });
    expect(res.status).toBe(201);
    expect(ms).toBeLessThan(PROMPT_MS);
    expect(blockedMs).toBeLessThan(PROMPT_MS);
    const drift = (await t.http.get(`/api/configs/drift/${deviceId}`).set(viewer).expect(200)).body;
    expect(drift.violations).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: res.body.id, detail: `no line matches ${JSON.stringify(pattern)}` })]));
    await t.http.delete(`/api/configs/rules/${res.body.id}`).set(admin).expect(204);
  });

  it.each([
    [{ pattern: '^(\\S+) \\1$' }, 'pattern', 'pattern: backreferences are not supported (patterns run in linear time)'],
    [{ pattern: '^interface (?<name>\\S+)\\k<name>' }, 'pattern', 'pattern: backreferences are not supported (patterns run in linear time)'],
    [{ kind: 'block', pattern: 'x', block: { start: '^interface (?!Loopback)' } }, 'block.start', 'block.start: lookahead is not supported (patterns run in linear time)'],
  ])('refuses %j with a 400 naming the field', async (over, field, message) => {
    const res = await t.http.post('/api/configs/rules').set(admin).send({ name: 'n', kind: 'must-contain', ...over }).expect(400);
    expect(res.body.message).toBe(message);
    expect(res.body.details).toEqual([{ field, messages: [expect.any(String)] }]);
  });
});

describe('normalization rules and baseline ignore lists', () => {
  it('refuses a normalization rule that RE2 cannot run, naming the field', async () => {
    const res = await t.http.post('/api/configs/normalization-rules').set(admin).send({ action: 'mask', pattern: '^key (?!\\d+$)(\\S+)$', description: 'x' }).expect(400);
    expect(res.body.message).toBe('pattern: lookahead is not supported (patterns run in linear time)');
  });

  it('refuses an ignore pattern that RE2 cannot run, naming its index', async () => {
    const res = await t.http.post('/api/configs/baselines').set(tech).send({ platform: 'cisco-ios', template: 'hostname {{hostname}}\n', ignore: ['^ntp ', '^(\\w)\\1'] }).expect(400);
    expect(res.body.details).toEqual([{ field: 'ignore.1', messages: ['backreferences are not supported (patterns run in linear time)'] }]);
  });

  it('a mask rule with a catastrophic pattern is created promptly', async () => {
    const { res, ms } = await timed(() => t.http.post('/api/configs/normalization-rules').set(admin).send({ action: 'mask', pattern: '(a|a)*b', description: 'never' }));
    expect(res.status).toBe(201);
    expect(ms).toBeLessThan(PROMPT_MS);
    await t.http.delete(`/api/configs/normalization-rules/${res.body.id}`).set(admin).expect(204);
  });

  it('a template baseline whose ignore pattern backtracks exponentially is evaluated promptly', async () => {
    const { res, ms, blockedMs } = await timed(async () => {
      const pinned = await t.http.post('/api/configs/baselines').set(tech).send({ platform: 'cisco-ios', template: 'hostname {{hostname}}\n', ignore: ['(a|a)*b'] });
      await configs.settled();
      return pinned;
    });
    expect(res.status).toBe(201);
    expect(ms).toBeLessThan(PROMPT_MS);
    expect(blockedMs).toBeLessThan(PROMPT_MS);
    const drift = (await t.http.get(`/api/configs/drift/${deviceId}`).set(viewer).expect(200)).body;
    expect(drift).toMatchObject({ baselineError: null, drift: { added: 5, removed: 0 } }); // every line but the hostname: nothing ignored
    await t.http.delete(`/api/configs/baselines/${res.body.id}`).set(tech).expect(204);
  });
});

describe('the builtin rule that had a lookahead', () => {
  it('is rewritten where it is as shipped, to the pattern the defaults now ship', async () => {
    const key = DEFAULT_NORMALIZATION_RULES.find((r) => r.description.startsWith('TACACS+/RADIUS server key without a type'))!;
    const old = '^\\s+(?:server-private \\S+ )?key (?!\\d+$)("[^"]*"|\\S+)$';
    const [{ id }] = await t.db.query('SELECT id FROM config_normalization_rules WHERE builtin = 1 AND pattern = ?', [key.pattern]);
    await t.db.query('UPDATE config_normalization_rules SET pattern = ? WHERE id = ?', [old, id]);
    const runner = t.db.createQueryRunner();
    try {
      await new RewriteBuiltinKeyRule1795950000000().up(runner);
    } finally {
      await runner.release();
    }
    expect((await t.db.query('SELECT pattern FROM config_normalization_rules WHERE id = ?', [id]))[0].pattern).toBe(key.pattern);
  });
});

describe('the mask rules added after the defaults were seeded', () => {
  it('reach an installation seeded before, once, and mask snmpd.conf there', async () => {
    const added = DEFAULT_NORMALIZATION_RULES.filter((r) => /snmpd\.conf|any encrypted value/.test(r.description));
    expect(added).toHaveLength(4);
    const junos = DEFAULT_NORMALIZATION_RULES.find((r) => r.description === 'Junos SNMP community')!;
    // as an installation seeded before them has its rules
    await t.db.query(`DELETE FROM config_normalization_rules WHERE builtin = 1 AND pattern IN (${added.map(() => '?').join(', ')})`, added.map((r) => r.pattern));
    await t.db.query('UPDATE config_normalization_rules SET pattern = ? WHERE builtin = 1 AND pattern = ?', ['^set snmp community (\\S+)', junos.pattern]);
    const migration = new AddSecretMaskRules1796122555379();
    const runner = t.db.createQueryRunner();
    try {
      await migration.up(runner);
      await migration.up(runner); // twice: nothing twice
    } finally {
      await runner.release();
    }
    const rows: Array<{ platform: string; pattern: string; description: string }> = await t.db.query('SELECT platform, pattern, description FROM config_normalization_rules WHERE builtin = 1 ORDER BY id');
    for (const r of added) expect(rows.filter((x) => x.pattern === r.pattern)).toEqual([{ platform: r.platform, pattern: r.pattern, description: r.description }]);
    expect(rows.filter((x) => x.pattern === junos.pattern)).toHaveLength(1);
    // the installation's rules now mask what the defaults mask (migrations run before the
    // server starts; this one's service has its rules cached for 5 s)
    (configs as unknown as { rulesCache?: unknown }).rulesCache = undefined;
    const raw = '### /etc/snmp/snmpd.conf\nrocommunity S3cretComm default\ncreateUser admin SHA "authpass123" AES "privpass123"\n';
    const { text } = normalize(raw, 'linux', await configs.normalizationRules());
    expect(text).toBe('### /etc/snmp/snmpd.conf\nrocommunity <masked> default\ncreateUser admin SHA "<masked>" AES "<masked>"\n');
  });

  it('reach an installation seeded before, once: WireGuard, keepalived, Redis, Wi-Fi, ipsec.secrets, IS-IS, NHRP…', async () => {
    const added = DEVICE_SECRET_RULES;
    await t.db.query(`DELETE FROM config_normalization_rules WHERE builtin = 1 AND pattern IN (${added.map(() => '?').join(', ')})`, added.map((r) => r.pattern));
    const migration = new AddDeviceSecretMaskRules1796140000000();
    const runner = t.db.createQueryRunner();
    try {
      await migration.up(runner);
      await migration.up(runner); // twice: nothing twice
    } finally {
      await runner.release();
    }
    // the migration's copy of the rules is the defaults' (a new installation is seeded with those)
    const rows: Array<{ platform: string | null; pattern: string; description: string }> = await t.db.query('SELECT platform, pattern, description FROM config_normalization_rules WHERE builtin = 1 ORDER BY id');
    for (const r of added) expect(rows.filter((x) => x.pattern === r.pattern)).toEqual([{ platform: r.platform, pattern: r.pattern, description: r.description }]);
    (configs as unknown as { rulesCache?: unknown }).rulesCache = undefined;
    const rules = await configs.normalizationRules();
    const wg = normalize('### /etc/wireguard/wg0.conf\n[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n', 'linux', rules).text;
    expect(wg).toBe('### /etc/wireguard/wg0.conf\n[Interface]\nPrivateKey = <masked>\n');
    expect(normalize('interface Tunnel0\n ip nhrp authentication NhrpK3y\n isis password IsisK3y\n', 'cisco-ios', rules).text)
      .toBe('interface Tunnel0\n ip nhrp authentication <masked>\n isis password <masked>\n');
  });
});

describe('a search\'s cost', () => {
  it('stops after TEKNISI_CONFIG_SEARCH_MAX_MB of text, says so and counts what it scanned', async () => {
    // three configurations of 0.85 MiB: the budget of 1 MiB is spent after the second
    const big = Array.from({ length: 20_000 }, (_, i) => `interface Gi0/${i}\n description uplink ${i}`).join('\n') + '\n';
    for (const n of [1, 2, 3]) await store(await makeDevice(t.db, { hostname: `big-${n}`, platform: 'cisco-ios' }), big);
    const res = (await t.http.get('/api/configs/search').query({ regex: '^ description uplink 1999$' }).set(viewer).expect(200)).body;
    expect(res).toMatchObject({ total: 2, truncated: true });
    expect(res.items.map((i: { hostname: string }) => i.hostname)).toEqual(['big-1', 'big-2']);
    // narrowed by text in MySQL, the small configuration alone is scanned
    expect((await t.http.get('/api/configs/search').query({ text: 'ntp server' }).set(viewer).expect(200)).body).toMatchObject({ total: 1, truncated: false });
  });
});
