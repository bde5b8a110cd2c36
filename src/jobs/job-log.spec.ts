import { BoundedLog, fitLog, MAX_LOG_BYTES } from './job-log';

describe('fitLog', () => {
  it('keeps a log that fits as it is', () => {
    expect(fitLog('# job 1\n[exit 0]\n')).toEqual({ text: '# job 1\n[exit 0]\n', bytes: 17, truncated: false });
  });

  it('keeps the head and the end of a long log, cuts between characters, and says how much it cut', () => {
    // a million "ü" (two bytes each), then how it ended: before, cut at 1 MiB inside a "ü", the end lost
    const log = `# job 7 (command) on pc-1\n$ sh -c …\n${'ü'.repeat(1_000_000)}\n[exit 0]\n# reboot required\n`;
    const out = fitLog(log);
    expect(out.truncated).toBe(true);
    expect(out.bytes).toBeLessThanOrEqual(MAX_LOG_BYTES);
    expect(out.bytes).toBe(Buffer.byteLength(out.text));
    expect(out.text).not.toContain('\uFFFD');
    expect(out.text.startsWith('# job 7 (command) on pc-1\n$ sh -c …\nüü')).toBe(true);
    expect(out.text.endsWith('üü\n[exit 0]\n# reboot required\n')).toBe(true);
    const cut = /\n\[… (\d+) bytes of this log cut here …\]\n/.exec(out.text);
    expect(cut).not.toBeNull();
    // what was kept and what was cut add up to the whole
    expect(Buffer.byteLength(out.text) - Buffer.byteLength(cut![0]) + Number(cut![1])).toBe(Buffer.byteLength(log));
  });

  it('cuts a log of four-byte characters between characters too', () => {
    const out = fitLog('😀'.repeat(1000), 1001);
    expect(out.text).not.toContain('\uFFFD');
    expect(out.bytes).toBeLessThanOrEqual(1001);
  });
});

describe('BoundedLog', () => {
  it('keeps what fitLog keeps of the whole, written piece by piece, in bounded memory', () => {
    const pieces = ['$ apt-get install -y big\n', ...Array.from({ length: 5_000 }, (_, i) => `Unpacking ü-${i} ${'·'.repeat(i % 97)}\n`), '[exit 100]\n', '# reboot required\n'];
    const max = 64 * 1024;
    const log = new BoundedLog(max);
    for (const p of pieces) log.append(p);
    const whole = pieces.join('');
    const out = log.text();
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(max);
    expect(out).not.toContain('\uFFFD');
    expect(out.startsWith('$ apt-get install -y big\nUnpacking ü-0 \n')).toBe(true);
    expect(out.endsWith('[exit 100]\n# reboot required\n')).toBe(true);
    const cut = /\n\[… (\d+) bytes of this log cut here …\]\n/.exec(out)!;
    expect(Buffer.byteLength(out) - Buffer.byteLength(cut[0]) + Number(cut[1])).toBe(Buffer.byteLength(whole));
    // the end kept is the whole log's end, byte for byte
    const kept = out.slice(cut.index + cut[0].length);
    expect(whole.endsWith(kept)).toBe(true);
    expect(Buffer.byteLength(kept)).toBeGreaterThan(max / 8);
  });

  it('keeps a log that fits whole, however it was written', () => {
    const log = new BoundedLog(1000);
    for (const p of ['a'.repeat(400), 'ü'.repeat(100), 'z'.repeat(300)]) log.append(p);
    expect(log.text()).toBe(`${'a'.repeat(400)}${'ü'.repeat(100)}${'z'.repeat(300)}`);
  });

  it('a log just over its size comes out as fitLog would cut it', () => {
    const pieces = ['h'.repeat(700), 'm'.repeat(200), 't'.repeat(200)];
    const log = new BoundedLog(1000);
    for (const p of pieces) log.append(p);
    expect(log.text()).toBe(fitLog(pieces.join(''), 1000).text);
  });
});
