import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffConfigs } from './diff';
import { fixture } from './fixtures/fake-session';

const labels = { from: 'v41 2024-11-12 09:41', to: 'v42 2024-11-13 17:03' };

describe('diffConfigs', () => {
  it('is empty for equal texts', () => {
    const t = fixture('eos.txt');
    expect(diffConfigs(t, t, labels)).toEqual({ diff: '', added: 0, removed: 0 });
  });

  it('writes a unified diff with the labels and 3 lines of context', () => {
    const a = 'hostname a\n!\ninterface Gi1\n description x\n shutdown\n!\nntp server 192.0.2.123\n!\nend\n';
    const b = 'hostname a\n!\ninterface Gi1\n description x\n no shutdown\n!\nntp server 192.0.2.123\n!\nend\n';
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
        ' ntp server 192.0.2.123',
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

  it('diffs two 40,000-line versions with no line in common as all removed and all added', () => {
    const a = Array.from({ length: 40_000 }, (_, i) => `interface Vlan${i}`).join('\n') + '\n';
    const b = Array.from({ length: 40_000 }, (_, i) => `interface Port-channel${i}`).join('\n') + '\n';
    const d = diffConfigs(a, b, { from: 'a', to: 'b' });
    expect([d.added, d.removed]).toEqual([40_000, 40_000]);
    const lines = d.diff.split('\n');
    expect(lines[2]).toBe('@@ -1,40000 +1,40000 @@');
    expect(lines[3]).toBe('-interface Vlan0');
    expect(lines[40_003]).toBe('+interface Port-channel0');
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

describe('diffConfigs against GNU diff and patch (this machine\'s)', () => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const words = ['interface Gi1', ' shutdown', ' no shutdown', '!', 'ntp server 192.0.2.123', ' description x', 'end', 'hostname a', ' ip address 192.0.2.1 255.255.255.0'];
  const randomText = (n: number) => Array.from({ length: n }, () => words[rnd(words.length)]);
  const mutate = (lines: string[]) => {
    const out = lines.slice();
    for (let k = rnd(8); k >= 0; k--) {
      const i = rnd(out.length + 1);
      const what = rnd(3);
      if (what === 0) out.splice(i, 1);
      else if (what === 1) out.splice(i, 0, words[rnd(words.length)]);
      else out[i] = `changed ${rnd(100)}`;
    }
    return out;
  };
  const join = (lines: string[], newline: boolean) => lines.join('\n') + (newline && lines.length ? '\n' : '');

  it.each(Array.from({ length: 40 }, (_, i) => i))('case %i: the patch turns a into b, with the +/- counts of diff --minimal', (i) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-diff-'));
    try {
      const a = join(randomText(5 + rnd(40)), i % 7 !== 3);
      const b = join(mutate(a.split('\n').filter((_, k, all) => k < all.length - (a.endsWith('\n') ? 1 : 0))), i % 5 !== 2);
      const d = diffConfigs(a, b, { from: 'a', to: 'b' });
      fs.writeFileSync(path.join(dir, 'a'), a);
      fs.writeFileSync(path.join(dir, 'b'), b);
      fs.writeFileSync(path.join(dir, 'p'), d.diff);
      if (a === b) return expect(d.diff).toBe('');
      execFileSync('patch', ['-s', '-o', path.join(dir, 'out'), path.join(dir, 'a'), path.join(dir, 'p')]);
      expect(fs.readFileSync(path.join(dir, 'out'), 'utf8')).toBe(b);
      const gnu = spawnSync('diff', ['--minimal', '-u', path.join(dir, 'a'), path.join(dir, 'b')], { encoding: 'utf8' }).stdout.split('\n').slice(2);
      expect(d.added).toBe(gnu.filter((l) => l.startsWith('+')).length);
      expect(d.removed).toBe(gnu.filter((l) => l.startsWith('-')).length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
