import { configKinds, maskPushOutput } from './config-kinds';
import { DEFAULT_NORMALIZATION_RULES } from './normalization-rules';
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

describe('config.push log', () => {
  const masks = DEFAULT_NORMALIZATION_RULES.filter((r) => r.action === 'mask');

  it('masks the secrets of the lines it echoes, of the lines the device refused and of its answers', () => {
    const transcript = [
      '> configure terminal',
      'Enter configuration commands, one per line.  End with CNTL/Z.',
      '> snmp-server community S3cretComm RO',
      '> enable secret 0 TopSecret1',
      '> username bob privilege 15 secret 0 BobPass!',
      '% Invalid input detected at \'^\' marker.',
      '> end',
      '> write memory',
      '[OK]',
    ].join('\n') + '\n';
    const got = maskPushOutput({ transcript, errors: ['username bob privilege 15 secret 0 BobPass! → % Invalid input detected at \'^\' marker.'] }, 'cisco-ios', masks);
    for (const secret of ['S3cretComm', 'TopSecret1', 'BobPass!']) {
      expect(got.transcript).not.toContain(secret);
      expect(got.errors.join('\n')).not.toContain(secret);
    }
    // what is not secret stays, line for line
    expect(got.transcript.split('\n')).toEqual([
      '> configure terminal',
      'Enter configuration commands, one per line.  End with CNTL/Z.',
      '> snmp-server community <masked> RO',
      '> enable secret 0 <masked>',
      '> username bob privilege 15 secret 0 <masked>',
      '% Invalid input detected at \'^\' marker.',
      '> end',
      '> write memory',
      '[OK]',
      '',
    ]);
    expect(got.errors).toEqual(['username bob privilege 15 secret 0 <masked> → % Invalid input detected at \'^\' marker.']);
  });
});
