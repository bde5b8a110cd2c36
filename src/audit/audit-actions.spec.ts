// The audit page suggests AUDIT_ACTIONS (through GET /api/audit/actions): every @Audit name in
// the server must be there, and nothing there may name an action no route records.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AUDIT_ACTIONS, AUDIT_OBJECT_TYPES } from './audit-actions';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

/** Every `@Audit('action', 'type')` in src/, as written. */
const decorated = sources(path.join(__dirname, '..')).flatMap((file) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/@Audit\(\s*(['"`])([^'"`]+)\1(?:\s*,\s*(['"`])([^'"`]+)\3)?\s*\)/g)].map((m) => ({ file, action: m[2], objectType: m[4] })),
);

it('finds the audited routes (devices, saved filters, scans, host keys, …)', () => {
  expect(decorated.length).toBeGreaterThan(40);
  expect(decorated.map((d) => d.action)).toEqual(expect.arrayContaining(['device.distinct', 'saved-filter.create', 'scan-schedule.run', 'ssh-host-key.forget']));
});

it('lists every action an @Audit decorator names, with its object type', () => {
  const missing = decorated.filter((d) => !(AUDIT_ACTIONS as readonly string[]).includes(d.action)).map((d) => `${d.action} (${path.relative(process.cwd(), d.file)})`);
  expect(missing).toEqual([]);
  const types = decorated.filter((d) => d.objectType && !(AUDIT_OBJECT_TYPES as readonly string[]).includes(d.objectType)).map((d) => `${d.objectType} (${d.action})`);
  expect(types).toEqual([]);
});

it('lists no action that nothing records (the queue board records queues.<method>)', () => {
  const used = new Set(decorated.map((d) => d.action));
  expect(AUDIT_ACTIONS.filter((a) => !used.has(a) && !a.startsWith('queues.'))).toEqual([]);
  expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
});
