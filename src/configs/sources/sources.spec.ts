import { CONFIG_PLATFORMS } from '../types';
import { execOk, fakeSession, fixture } from '../fixtures/fake-session';
import { CONFIG_SOURCES, configSourceFor } from './index';
import { cleanOutput } from './output';

const opts = { timeoutMs: 20_000, maxBytes: 1_000_000 };

describe('configSourceFor', () => {
  it('has a source for every platform, each for its own platform', () => {
    for (const p of CONFIG_PLATFORMS) expect(configSourceFor(p)?.platform).toBe(p);
    expect(Object.keys(CONFIG_SOURCES).sort()).toEqual([...CONFIG_PLATFORMS].sort());
  });

  it('has none for platforms without config backup', () => {
    expect(configSourceFor('windows')).toBeUndefined();
    expect(configSourceFor(null)).toBeUndefined();
    expect(configSourceFor('toString')).toBeUndefined();
  });
});

describe('exec sources', () => {
  it.each([
    ['junos', 'show configuration | display set', 'junos-display-set.txt', 'set system host-name edge-mx01'],
    ['eos', 'show running-config', 'eos.txt', 'hostname dc1-leaf01'],
    ['cisco-nxos', 'show running-config', 'nxos.txt', 'hostname dc1-core01'],
    ['routeros', '/export terse', 'routeros-export.txt', '/system identity set name=br-mikrotik01'],
  ] as const)('%s runs "%s" and keeps the configuration', async (platform, command, file, line) => {
    const raw = fixture(file);
    const s = fakeSession({ exec: { [command]: execOk(raw.replace(/\n/g, '\r\n')) } });
    const got = await CONFIG_SOURCES[platform].fetch(s, opts);
    expect(s.calls).toEqual([{ kind: 'exec', command, opts: { timeoutMs: 20_000, maxBytes: 1_000_000 } }]);
    expect(got.source).toBe(command);
    expect(got.text).toContain(`\n${line}\n`);
    expect(got.text).not.toContain('\r');
    expect(got.text).toBe(raw.replace(/^\n+/, ''));
  });

  it.each([
    ['junos', 'show configuration | display set', '\nerror: permission denied\n', 'error: permission denied'],
    ['junos', 'show configuration | display set', "                         ^\nsyntax error, expecting <command>.\n", '^'],
    ['eos', 'show running-config', '% Invalid input (privileged mode required)\n', '% Invalid input (privileged mode required)'],
    ['cisco-nxos', 'show running-config', '% Permission denied for the role\n', '% Permission denied for the role'],
    ['routeros', '/export terse', 'bad command name export (line 1 column 2)\n', 'bad command name export (line 1 column 2)'],
  ] as const)('%s refuses an error answer: %j', async (platform, command, answer, quoted) => {
    const s = fakeSession({ exec: { [command]: execOk(answer) } });
    await expect(CONFIG_SOURCES[platform].fetch(s, opts)).rejects.toThrow(`the device answered with an error: "${quoted}"`);
  });

  it('turns a truncated exec, a time-out and a failed command into errors that say which', async () => {
    const big = fakeSession({ exec: { '/export terse': execOk('x', { truncated: true }) } });
    await expect(CONFIG_SOURCES.routeros.fetch(big, { ...opts, maxBytes: 4096 })).rejects.toThrow('/export terse: the configuration exceeds the cap of 4096 bytes');
    const slow = fakeSession({ exec: { 'show running-config': execOk('', { code: null, timedOut: true }) } });
    await expect(CONFIG_SOURCES.eos.fetch(slow, opts)).rejects.toThrow('show running-config: no complete answer within 20000 ms');
    const failed = fakeSession({ exec: { 'show running-config': execOk('', { code: 1, stderr: 'Permission denied\n' }) } });
    await expect(CONFIG_SOURCES['cisco-nxos'].fetch(failed, opts)).rejects.toThrow('show running-config: exited with status 1: Permission denied');
  });

  it('refuses an EOS configuration cut short and a Junos answer with no set line', async () => {
    const eos = fixture('eos.txt');
    const cut = fakeSession({ exec: { 'show running-config': execOk(eos.slice(0, eos.indexOf('router bgp'))) } });
    await expect(CONFIG_SOURCES.eos.fetch(cut, opts)).rejects.toThrow(/no final "end"/);
    const braces = fakeSession({ exec: { 'show configuration | display set': execOk('system {\n    host-name x;\n}\n') } });
    await expect(CONFIG_SOURCES.junos.fetch(braces, opts)).rejects.toThrow(/no "set" line/);
  });
});

describe('shell sources', () => {
  it('procurve turns paging off and strips the VT100 escapes and the pager prompt', async () => {
    const s = fakeSession({ shell: { 'show running-config': fixture('procurve-raw.txt') } });
    const got = await CONFIG_SOURCES.procurve.fetch(s, opts);
    expect(s.calls[0].command).toEqual(['no page', 'show running-config']);
    expect(got.text).not.toMatch(/\x1b|\r|MORE|Running configuration:/);
    const lines = got.text.split('\n');
    expect(lines[0]).toBe('; J9776A Configuration Editor; Created on release #YA.16.10.0012');
    // the line that came after the pager prompt is whole and in its place
    const at = lines.indexOf('no web-management');
    expect(lines.slice(at - 1, at + 2)).toEqual([
      'password operator user-name "noc" sha1 "7c4a8d09ca3762af61e59520943dc26494f8941b"',
      'no web-management',
      'web-management ssl',
    ]);
    expect(got.text.endsWith('loop-protect 1-20\n')).toBe(true);
  });

  it('fortios runs show (as Oxidized does) and starts at the #config-version line', async () => {
    const s = fakeSession({ shell: { show: `show\n${fixture('fortios-show.txt')}\nbr-fw01 # ` } });
    const got = await CONFIG_SOURCES.fortios.fetch(s, opts);
    expect(s.calls[0].command).toEqual(['show']);
    expect(got.text.startsWith('#config-version=FGT60F-7.2.8')).toBe(true);
    expect(got.text).toContain('    set hostname "br-fw01"\n');
  });

  it('fortios refuses an error answer', async () => {
    const s = fakeSession({ shell: { show: 'Command fail. Return code -61\n' } });
    await expect(CONFIG_SOURCES.fortios.fetch(s, opts)).rejects.toThrow('show: the device answered with an error: "Command fail. Return code -61"');
  });

  it('eos and nx-os push in configuration mode and save the way each CLI does, only what the device took whole', async () => {
    const eos = fakeSession({ shell: { 'ntp server 192.0.2.11 iburst x': '% Invalid input\n' } });
    const res = await CONFIG_SOURCES.eos.push!(eos, ['ntp server 192.0.2.11 iburst x'], opts);
    expect(eos.calls.map((c) => c.command)).toEqual([['configure terminal', 'ntp server 192.0.2.11 iburst x', 'end']]);
    expect(res.errors).toEqual(['ntp server 192.0.2.11 iburst x → % Invalid input']);
    const ok = fakeSession({});
    await CONFIG_SOURCES.eos.push!(ok, ['ntp server 192.0.2.11 iburst'], opts);
    expect(ok.calls.map((c) => c.command)).toEqual([['configure terminal', 'ntp server 192.0.2.11 iburst', 'end'], ['write memory']]);
    const nx = fakeSession({});
    await CONFIG_SOURCES['cisco-nxos'].push!(nx, ['feature lldp'], opts);
    expect(nx.calls.map((c) => c.command)).toEqual([['configure terminal', 'feature lldp', 'end'], ['copy running-config startup-config']]);
  });
});

describe('cleanOutput', () => {
  it.each([
    ['a\r\nb\r\n', 'a\nb\n'],
    ['abc\rxy', 'xy'],
    ['abx\by', 'aby'],
    ['\x1b[32mgreen\x1b[0m', 'green'],
    ['a\x07b\x00c\td', 'abc\td'],
    [' --More-- \n', ''],
    [' --More-- hostname x', 'hostname x'],
    ['<--- More ---> hostname x', 'hostname x'],
    ['-- MORE --, next page: Space, next line: Enter, quit: Control-C hostname x', 'hostname x'],
    ['Press any key to continue\n', ''],
    // the same letters inside a line are configuration, not a pager
    ['ip access-list extended TEST-MORE-DENY', 'ip access-list extended TEST-MORE-DENY'],
    ['hostname core-more-01', 'hostname core-more-01'],
    [' description --- MORE --- links', ' description --- MORE --- links'],
    ['banner motd ^Press any key to continue^', 'banner motd ^Press any key to continue^'],
  ])('%j → %j', (raw, clean) => {
    expect(cleanOutput(raw)).toBe(clean);
  });
});
