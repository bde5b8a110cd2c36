// Where a job looks for a device: where SSH last reached it first, then the other addresses
// where Teknisi found it (its primary address first among them), IPv4 before IPv6, each once, a
// few at most; a device SSH never reached only at its primary address.
import { sessionAddresses, SESSION_ADDRESSES, SshAddress } from './device-sessions';

const at = (host: string, port = 22): SshAddress => ({ host, port });

describe('sessionAddresses', () => {
  it.each<[string, SshAddress | null, string | null, string[], number, SshAddress[]]>([
    ['never reached: the primary address only, with the credential\'s port', null, '192.0.2.5', ['192.0.2.6'], 2222, [at('192.0.2.5', 2222)]],
    ['never reached and no primary address: nowhere', null, null, ['192.0.2.6'], 22, []],
    ['last reached first, then the primary address where Teknisi found it', at('192.0.2.9'), '192.0.2.5', ['192.0.2.7', '192.0.2.5'], 22, [at('192.0.2.9'), at('192.0.2.5'), at('192.0.2.7')]],
    ['not a primary address Teknisi never found it at (an agent\'s word, a NAT\'d inside address)', at('192.0.2.9'), '198.18.0.5', ['192.0.2.7'], 22, [at('192.0.2.9'), at('192.0.2.7')]],
    ['the last-reached port there, the credential\'s elsewhere', at('192.0.2.9', 2022), '192.0.2.5', ['192.0.2.5'], 22, [at('192.0.2.9', 2022), at('192.0.2.5')]],
    ['each address once, however written', at('192.0.2.9'), '192.0.2.9', ['192.0.2.9', '::ffff:192.0.2.9', '2001:DB8::1', '2001:db8:0:0::1'], 22, [at('192.0.2.9'), at('2001:db8::1')]],
    ['the same address on another port is another place to try', at('192.0.2.9', 2022), '192.0.2.9', ['192.0.2.9'], 22, [at('192.0.2.9', 2022), at('192.0.2.9')]],
    ['IPv4 before IPv6 (the primary address first of each), up to the cap', at('192.0.2.9'), '2001:db8::5', ['192.0.2.7', '2001:db8::6', '192.0.2.8', '2001:db8::5'], 22, [at('192.0.2.9'), at('192.0.2.7'), at('192.0.2.8'), at('2001:db8::5')]],
    ['nothing one cannot connect to', at('192.0.2.9'), '0.0.0.0', ['fe80::1', '169.254.7.7', '224.0.0.251', '255.255.255.255', 'not-an-ip', '', '192.0.2.8'], 22, [at('192.0.2.9'), at('192.0.2.8')]],
    ['IPv6 when there is nothing else', at('192.0.2.9'), null, ['2001:db8::6'], 22, [at('192.0.2.9'), at('2001:db8::6')]],
  ])('%s', (_, reached, primary, others, port, expected) => {
    expect(sessionAddresses(reached, primary, others, port)).toEqual(expected);
  });

  it(`tries at most ${SESSION_ADDRESSES.max} addresses, the last-reached one among them`, () => {
    const many = Array.from({ length: 20 }, (_, i) => `198.51.100.${i + 1}`);
    const got = sessionAddresses(at('192.0.2.9'), '192.0.2.5', [...many, '192.0.2.5'], 22);
    expect(got).toEqual([at('192.0.2.9'), at('192.0.2.5'), at('198.51.100.1'), at('198.51.100.2')].slice(0, SESSION_ADDRESSES.max));
  });

  it('bounds the time a job waits for a session', () => {
    expect(SESSION_ADDRESSES.budgetMs).toBeLessThanOrEqual(60_000);
    expect(SESSION_ADDRESSES.addressTimeoutMs).toBeLessThan(SESSION_ADDRESSES.budgetMs);
  });
});
