import { fakeSession, fixture } from '../fixtures/fake-session';
import { ciscoIosSource } from './cisco-ios';

const opts = { timeoutMs: 20_000, maxBytes: 1_000_000 };
const running = fixture('cisco-ios-xe.txt');

describe('cisco-ios source', () => {
  it('reads the running configuration over one shell, paging turned off first', async () => {
    const s = fakeSession({ shell: { 'show running-config': running } });
    const got = await ciscoIosSource.fetch(s, opts);
    expect(s.calls).toEqual([{ kind: 'shell', command: ['terminal length 0', 'show running-config'], opts }]);
    expect(got.source).toBe('show running-config');
    expect(got.text.split('\n')[0]).toBe('Building configuration...');
    expect(got.text.endsWith('\nend\n')).toBe(true);
    expect(got.text).toContain('hostname br-rtr01\n');
  });

  it('drops what came before the configuration and after its end, and CRLF and pager artefacts', async () => {
    const noisy = 'show running-config\r\n' + running.replace(/\n/g, '\r\n').replace('hostname br-rtr01\r\n', ' --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\bhostname br-rtr01\r\n') + '\r\nbr-rtr01#';
    const got = await ciscoIosSource.fetch(fakeSession({ shell: { 'show running-config': noisy } }), opts);
    expect(got.text).not.toMatch(/\r|More|\x08/);
    expect(got.text).toContain('\nhostname br-rtr01\n');
    expect(got.text.startsWith('Building configuration...')).toBe(true);
    expect(got.text.endsWith('\nend\n')).toBe(true);
  });

  it.each([
    ["% Invalid input detected at '^' marker.", "                    ^\n% Invalid input detected at '^' marker.\n\n"],
    ['% Authorization failed.', '% Authorization failed.\n'],
    ['Command authorization failed.', 'Command authorization failed.\n'],
  ])('refuses an IOS error instead of a configuration: %s', async (message, answer) => {
    const s = fakeSession({ shell: { 'show running-config': answer } });
    await expect(ciscoIosSource.fetch(s, opts)).rejects.toThrow(`show running-config: the device answered with an error: "${message}"`);
  });

  it('refuses a configuration cut short (no final "end")', async () => {
    const cut = running.slice(0, running.indexOf('router ospf 1'));
    await expect(ciscoIosSource.fetch(fakeSession({ shell: { 'show running-config': cut } }), opts)).rejects.toThrow(/no final "end" line/);
  });

  it('refuses an empty answer and one more than the cap', async () => {
    await expect(ciscoIosSource.fetch(fakeSession({ shell: { 'show running-config': '\n\n' } }), opts)).rejects.toThrow(/printed no configuration/);
    await expect(ciscoIosSource.fetch(fakeSession({ shell: { 'show running-config': running } }), { ...opts, maxBytes: 1000 })).rejects.toThrow(
      'show running-config: the configuration exceeds the cap of 1000 bytes',
    );
  });

  it('pushes the lines in configuration mode and saves them in a shell of its own', async () => {
    const s = fakeSession({ shell: { 'write memory': 'Building configuration...\n[OK]' } });
    const res = await ciscoIosSource.push!(s, ['interface Loopback7', ' description x'], opts);
    expect(s.calls.map((c) => c.command)).toEqual([['configure terminal', 'interface Loopback7', ' description x', 'end'], ['write memory']]);
    expect(res.errors).toEqual([]);
    expect(res.transcript).toContain('> write memory\nBuilding configuration...\n[OK]\n');
  });

  it('reports each rejected line with its message, and saves nothing when a line was rejected', async () => {
    const s = fakeSession({
      shell: {
        'configure terminal': 'Enter configuration commands, one per line.  End with CNTL/Z.',
        ' spanning-tree portfst': "                             ^\n% Invalid input detected at '^' marker.\n",
        'ip route 192.0.2.0': '% Incomplete command.\n',
        'write memory': 'Building configuration...\n[OK]',
      },
    });
    const res = await ciscoIosSource.push!(s, ['interface GigabitEthernet0/0/1', ' spanning-tree portfst', 'ip route 192.0.2.0', 'no ip http server'], opts);
    // before: write memory followed, and kept what was applied in the wrong context across a reload
    expect(s.calls.map((c) => c.command)).toEqual([['configure terminal', 'interface GigabitEthernet0/0/1', ' spanning-tree portfst', 'ip route 192.0.2.0', 'no ip http server', 'end']]);
    expect(res.errors).toEqual([
      "spanning-tree portfst → % Invalid input detected at '^' marker.",
      'ip route 192.0.2.0 → % Incomplete command.',
    ]);
    expect(res.transcript).not.toContain('> write memory');
    expect(res.transcript).toContain('[not saved (write memory): the device refused 2 of the lines; what it took is in the running configuration only, until a reload]\n');
  });

  it('refuses to push a line with a line break (it would be two commands)', async () => {
    await expect(ciscoIosSource.push!(fakeSession({}), ['hostname a\nreload'], opts)).rejects.toThrow(/line break/);
  });
});
