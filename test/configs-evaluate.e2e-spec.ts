// A device's drift and compliance are evaluated by one process at a time, each reading the
// device's configuration once it has the device: a worker's evaluation after a backup and the
// API's background one after a baseline edit used to overlap, and the one that had read the
// older configuration could write its drift last. No device lab: configurations are stored
// through the service.
import { ConfigsService } from '../src/configs/configs.service';
import { namedLock } from '../src/database/named-lock';
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

let t: TestApp;
let configs: ConfigsService;

beforeAll(async () => {
  t = await createTestApp();
  configs = t.app.get(ConfigsService);
});

afterAll(async () => {
  await t?.close();
});

it('evaluates the configuration the device has when the evaluation gets its turn, not when it was asked for', async () => {
  const id = await makeDevice(t.db, { hostname: 'eval-rtr', platform: 'cisco-ios' });
  const tech = bearer(await t.tokenFor('technician'));
  await configs.store(id, 'hostname eval-rtr\nno ip http server\n', { source: 'test', trigger: 'manual', jobRunId: null, at: new Date() });
  const [{ versionId }] = await t.db.query('SELECT version_id AS versionId FROM device_configs WHERE device_id = ?', [id]);
  // the device's baseline: this version of its own
  await t.http.post('/api/configs/baselines').set(tech).send({ deviceId: id, versionId: Number(versionId) }).expect(201);
  const drift = async () => (await t.http.get(`/api/configs/drift/${id}`).set(tech).expect(200)).body.drift;
  expect(await drift()).toBeNull();

  // another process is evaluating the device: this evaluation waits for it
  const other = t.db.createQueryRunner();
  await other.connect();
  try {
    await other.query('SELECT GET_LOCK(?, 0)', [namedLock(t.db, `config_eval_${id}`)]);
    let settled = false;
    const evaluation = configs.evaluate(id).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    // meanwhile the device's configuration changed (a backup stored a new one)
    await t.db.query('UPDATE device_configs SET current_text = ? WHERE device_id = ?', ['hostname eval-rtr\nip http server\n', id]);
    await other.query('SELECT RELEASE_ALL_LOCKS()');
    await evaluation;
  } finally {
    await other.release();
  }
  // before: the evaluation had read the configuration before its turn, and found no drift
  expect(await drift()).toMatchObject({ added: 1, removed: 1 });
});
