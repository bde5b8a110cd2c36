import { configKinds } from './config-kinds';
import type { ConfigsService } from './configs.service';

// validation only: no service call happens before a kind runs
const [backup, push] = configKinds({} as ConfigsService);
const fields = (r: { problems: Array<{ field: string }> }) => r.problems.map((p) => p.field);

describe('config.backup parameters', () => {
  it('takes no parameters, or the absolute files a Linux host backs up', () => {
    expect(backup.validate({})).toEqual({ params: {}, problems: [] });
    expect(backup.validate({ files: ['/etc/ssh/sshd_config', '/etc/my app/$(id).conf'] }).problems).toEqual([]);
  });

  it.each([
    [{ files: ['etc/passwd'] }, 'files'],
    [{ files: ['/etc/a\nb'] }, 'files'],
    [{ files: '/etc/hosts' }, 'files'],
    [{ files: Array.from({ length: 65 }, (_, i) => `/etc/f${i}`) }, 'files'],
    [{ command: 'show run' }, 'command'],
  ])('%j → a problem with %s', (params, field) => {
    expect(fields(backup.validate(params))).toContain(field);
  });
});

describe('config.push parameters', () => {
  it('takes lines of configuration', () => {
    expect(push.validate({ lines: ['interface Loopback1', ' description x'] })).toEqual({ params: { lines: ['interface Loopback1', ' description x'] }, problems: [] });
  });

  it.each([
    [{}, 'lines'],
    [{ lines: [] }, 'lines'],
    [{ lines: ['ok', 'two\nlines'] }, 'lines.1'],
    [{ lines: ['bell\u0007'] }, 'lines.0'],
    [{ lines: ['   '] }, 'lines.0'],
    [{ lines: ['x'.repeat(1001)] }, 'lines.0'],
    [{ lines: [42] }, 'lines.0'],
    [{ lines: Array.from({ length: 2001 }, () => 'x') }, 'lines'],
    [{ lines: ['x'], baselineId: -1 }, 'baselineId'],
    [{ lines: ['x'], save: false }, 'save'],
  ])('%j → a problem with %s', (params, field) => {
    expect(fields(push.validate(params))).toContain(field);
  });

  it('does not stop half-way on cancel (a device left with half a change is worse)', () => {
    expect(push.stopOnCancel).toBe(false);
    expect(backup.stopOnCancel).toBe(true);
  });
});
