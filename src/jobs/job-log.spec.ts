import { fitLog, MAX_LOG_BYTES } from './job-log';

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
