// Every edit in the API takes any of its fields; `@IsOptional()` lets null through as if the
// field were left out, and a service that then merged it over the stored value sent NULL to a
// NOT NULL column (a 500) or called .trim() on it. Each field of each PATCH, sent as null:
// either a 400 naming that field, with nothing changed, or a field that may be null (null
// clears it, or leaves it as it is where it has a default).
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

let t: TestApp;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  admin = bearer(t.adminToken);
});

afterAll(() => t?.close());

type Edit = { path: string; fields: string[]; nullable?: string[] };

/** Creates one of each editable resource; what each PATCH takes. */
async function edits(): Promise<Edit[]> {
  const post = async (path: string, body: object) => (await t.http.post(path).set(admin).send(body).expect(201)).body.id as number;
  const cred = await post('/api/credentials', { name: 'nulls ssh', kind: 'ssh', username: 'helpdesk', password: 'nulls-secret-pw' });
  const range = await post('/api/discovery/schedules', { name: 'nulls range', targets: ['127.0.0.1'], credentialIds: [cred], cron: '0 2 * * *', timezone: 'UTC' });
  const window = await post('/api/windows', { name: 'nulls window', timezone: 'UTC', ranges: [{ days: ['sun'], start: '01:00', end: '03:00' }] });
  const user = await post('/api/users', { username: 'nulls-user', password: 'nulls-user-password', role: 'viewer', displayName: 'Nulls' });
  const filter = await post('/api/saved-filters', { name: 'nulls filter', page: 'devices', query: 'type=laptop' });
  const rule = await post('/api/configs/rules', { name: 'nulls rule', kind: 'must-not-contain', pattern: 'PermitRootLogin yes' });
  const norm = await post('/api/configs/normalization-rules', { action: 'drop', pattern: '^ntp clock-period', description: 'nulls' });
  const device = await makeDevice(t.db, { hostname: 'nulls-01' });
  return [
    { path: `/api/discovery/schedules/${range}`, fields: ['name', 'targets', 'exclude', 'credentialIds', 'options', 'cron', 'timezone', 'enabled'], nullable: ['exclude'] },
    { path: `/api/windows/${window}`, fields: ['name', 'timezone', 'ranges', 'tags', 'enabled'], nullable: ['tags'] },
    { path: `/api/users/${user}`, fields: ['password', 'role', 'displayName', 'disabled'], nullable: ['displayName'] },
    { path: `/api/saved-filters/${filter}`, fields: ['name', 'page', 'query', 'shared'] },
    { path: `/api/configs/rules/${rule}`, fields: ['name', 'kind', 'pattern', 'block', 'scope', 'severity', 'enabled'], nullable: ['block', 'scope', 'severity'] },
    { path: `/api/configs/normalization-rules/${norm}`, fields: ['platform', 'action', 'pattern', 'description', 'enabled'], nullable: ['platform'] },
    {
      path: `/api/credentials/${cred}`,
      fields: ['name', 'kind', 'username', 'password', 'privateKey', 'passphrase', 'sudoPassword', 'port'],
      nullable: ['privateKey', 'passphrase', 'sudoPassword', 'port'],
    },
    {
      path: `/api/devices/${device}`,
      fields: ['hostname', 'fqdn', 'type', 'platform', 'vendor', 'model', 'serial', 'osFamily', 'osName', 'osVersion', 'primaryIp', 'location', 'assignedTo', 'notes', 'tags', 'addresses', 'status'],
      nullable: ['hostname', 'fqdn', 'vendor', 'model', 'serial', 'osFamily', 'osName', 'osVersion', 'primaryIp', 'location', 'assignedTo', 'notes', 'tags', 'addresses', 'status'],
    },
  ];
}

it('a null field of any edit is a 400 naming it that changes nothing, unless the field may be null', async () => {
  const wrong: string[] = [];
  for (const { path, fields, nullable = [] } of await edits()) {
    for (const field of fields) {
      const before = (await t.http.get(path).set(admin)).body;
      const res = await t.http.patch(path).set(admin).send({ [field]: null });
      if (nullable.includes(field)) {
        if (res.status !== 200) wrong.push(`${path} ${field}: null answered ${res.status}, where the field may be null`);
        continue;
      }
      const named = (res.body.details ?? []).map((d: { field: string }) => d.field);
      if (res.status !== 400 || named.join() !== field) wrong.push(`${path} ${field}: null answered ${res.status} naming [${named.join(', ')}] ${res.status >= 500 ? JSON.stringify(res.body).slice(0, 200) : ''}`);
      const after = (await t.http.get(path).set(admin)).body;
      if (JSON.stringify(after) !== JSON.stringify(before)) wrong.push(`${path} ${field}: null changed the resource`);
    }
  }
  expect(wrong).toEqual([]);
});
