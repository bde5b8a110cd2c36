// A cron schedule shown before it is saved: its next firings in its time zone, and a note where
// cron does what its writer may not expect (a day of the month and a weekday: either fires).
import { bearer, createTestApp, TestApp } from './support/app';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

const preview = (query: Record<string, string>, token = t.adminToken) => t.http.get('/api/schedule-preview').query(query).set(bearer(token));

it('lists the next five firings in the time zone given', async () => {
  const res = await preview({ cron: '0 2 * * 2#2', timezone: 'Europe/Berlin' }, await t.tokenFor('viewer'));
  expect(res.status).toBe(200);
  expect(res.body.note).toBeNull();
  expect(res.body.next).toHaveLength(5);
  for (const at of res.body.next as string[]) {
    const d = new Date(at);
    // 02:00 in Berlin on the second Tuesday of its month
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
    expect(local).toMatch(/^Tue (8|9|1[0-4]), 02:00$/);
    expect(d.getTime()).toBeGreaterThan(Date.now());
  }
  expect([...res.body.next].sort()).toEqual(res.body.next);
});

it('says what "the first Monday" written as 0 2 1-7 * 1 really does, and how to write it', async () => {
  const res = await preview({ cron: '0 2 1-7 * 1' });
  expect(res.status).toBe(200);
  expect(res.body.note).toContain('For the first Monday of the month write "0 2 * * 1#1"');
});

it.each<[Record<string, string>, string, RegExp]>([
  [{ cron: 'every night' }, 'cron', /every night.{0,4} is not valid/],
  [{ cron: 'H 2 * * *' }, 'cron', /uses H \(a random value\)/],
  [{ cron: '0 2 * * *', timezone: 'Mars/Olympus' }, 'timezone', /not an IANA time zone/],
  [{}, 'cron', /cron/],
])('refuses %j with a 400 naming %s', async (query, field, message) => {
  const res = await preview(query);
  expect(res.status).toBe(400);
  expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  expect(JSON.stringify(res.body.details)).toMatch(message);
});

it('answers no one who is not signed in', async () => {
  expect((await t.http.get('/api/schedule-preview').query({ cron: '0 2 * * *' })).status).toBe(401);
});
