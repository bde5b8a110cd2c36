import { diffConfigs } from './diff';
import { fixture } from './fixtures/fake-session';

const labels = { from: 'v41 2024-11-12 09:41', to: 'v42 2024-11-13 17:03' };

describe('diffConfigs', () => {
  it('is empty for equal texts', () => {
    const t = fixture('eos.txt');
    expect(diffConfigs(t, t, labels)).toEqual({ diff: '', added: 0, removed: 0 });
  });

  it('writes a unified diff with the labels and 3 lines of context', () => {
    const a = 'hostname a\n!\ninterface Gi1\n description x\n shutdown\n!\nntp server 1.1.1.1\n!\nend\n';
    const b = 'hostname a\n!\ninterface Gi1\n description x\n no shutdown\n!\nntp server 1.1.1.1\n!\nend\n';
    expect(diffConfigs(a, b, labels)).toEqual({
      diff: [
        '--- v41 2024-11-12 09:41',
        '+++ v42 2024-11-13 17:03',
        '@@ -2,7 +2,7 @@',
        ' !',
        ' interface Gi1',
        '  description x',
        '- shutdown',
        '+ no shutdown',
        ' !',
        ' ntp server 1.1.1.1',
        ' !',
        '',
      ].join('\n'),
      added: 1,
      removed: 1,
    });
  });

  it('diffs from and to an empty configuration the way diff -u does', () => {
    expect(diffConfigs('', 'a\nb\n', labels).diff).toBe('--- v41 2024-11-12 09:41\n+++ v42 2024-11-13 17:03\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(diffConfigs('a\n', '', labels)).toMatchObject({ added: 0, removed: 1 });
  });

  it('counts exactly 50 scattered changes in a 5,000-line configuration, one hunk each', () => {
    const base = fixture('cisco-ios-xe.txt').split('\n');
    const a = Array.from({ length: 5000 }, (_, i) => `${base[i % base.length]} ${i}`);
    const b = a.slice();
    const changed: number[] = [];
    for (let k = 0; k < 50; k++) changed.push(k * 97 + 13);
    for (const i of changed) b[i] = `${b[i]} changed`;
    b.splice(4990, 0, 'ip ssh time-out 60', 'ip ssh authentication-retries 2'); // 2 added
    b.splice(10, 1); // 1 removed
    const d = diffConfigs(a.join('\n') + '\n', b.join('\n') + '\n', labels);
    expect(d.added).toBe(52);
    expect(d.removed).toBe(51);
    expect(d.diff.split('\n').filter((l) => l.startsWith('@@')).length).toBe(51);
    expect(d.diff).toContain(`\n-${a[13]}\n+${a[13]} changed\n`);
    expect(d.diff).toContain('\n+ip ssh time-out 60\n+ip ssh authentication-retries 2\n');
  });
});
