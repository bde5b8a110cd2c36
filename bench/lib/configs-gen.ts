// bench/configs: large IOS-like running configurations for the diff and normalize timings, and
// the real change each timed backup run makes to every lab router. Generated from a router's own
// configuration (the lab fixture) with a seeded PRNG, so every run and machine sees the same text.
import { Rng } from './rng';

/** What `show running-config` prints before a configuration body (see ios-cli.py). */
export function showRunningHeader(body: string): string {
  return `Building configuration...\n\nCurrent configuration : ${Buffer.byteLength(body)} bytes\n${body}`;
}

function accessPort(i: number, rng: Rng): string[] {
  return [
    `interface GigabitEthernet${1 + Math.floor(i / 48)}/0/${(i % 48) + 1}`,
    ` description access port room ${rng.range(100, 499)}-${String(i).padStart(4, '0')}`,
    ` switchport access vlan ${rng.range(10, 400)}`,
    ' switchport mode access',
    ' switchport port-security maximum 2',
    ' spanning-tree portfast',
    ` ip dhcp snooping limit rate ${rng.pick([10, 15, 20])}`,
    '!',
  ];
}

/**
 * `base` (a router's running configuration, up to its final `end`) grown to `lines` lines: 48-port
 * access switch stacks' interfaces before `ip forward-protocol nd`, local users with secrets
 * (which normalization masks) after the first `username`, and an extended ACL filling up to the
 * exact count. The volatile header lines of the base stay, so normalization has work to do.
 */
export function largeConfig(base: string, lines: number, seed: number): string {
  const rng = new Rng(seed);
  const out = base.replace(/\s+$/, '').split('\n');
  const at = (line: string) => {
    const i = out.indexOf(line);
    if (i < 0) throw new Error(`the base configuration has no line "${line}"`);
    return i;
  };
  const users = Array.from({ length: 40 }, (_, i) => `username tech${String(i + 1).padStart(2, '0')} privilege ${rng.pick([1, 5, 15])} secret 9 $9$${rng.chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./', 14)}$${rng.chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./', 43)}`);
  out.splice(out.findIndex((l) => l.startsWith('username ')) + 1, 0, ...users);
  const room = lines - out.length - 2; // the ACL's name and its closing "!"
  const ports: string[] = [];
  for (let i = 0; ports.length + 8 <= room * 0.8; i++) ports.push(...accessPort(i, rng));
  out.splice(at('ip forward-protocol nd'), 0, ...ports);
  const acl = ['ip access-list extended BENCH-SERVICES'];
  for (let seq = 10; out.length + acl.length + 1 < lines; seq += 10) {
    acl.push(` ${seq} permit tcp 10.${rng.range(0, 255)}.${rng.range(0, 255)}.0 0.0.0.255 any eq ${rng.pick([22, 80, 443, 8443, 3389, 5900])}`);
  }
  acl.push('!');
  out.splice(at('control-plane'), 0, ...acl);
  if (out.length !== lines) throw new Error(`generated ${out.length} lines instead of ${lines}`);
  return `${out.join('\n')}\n`;
}

/**
 * `changes` edits at distinct random places below the first `skip` lines: most lines changed in
 * place (a description, a VLAN, an ACL port), one in ten removed, one in ten a `shutdown` added
 * after it. Returns the text and the edits made.
 */
export function scatterChanges(text: string, changes: number, seed: number, skip = 150): { text: string; edited: number; removed: number; added: number } {
  const rng = new Rng(seed);
  const lines = text.replace(/\n$/, '').split('\n');
  const places = new Set<number>();
  const candidates = lines.map((l, i) => i).filter((i) => i >= skip && lines[i].startsWith(' ') && lines[i + 1] !== undefined);
  if (candidates.length < changes) throw new Error(`only ${candidates.length} lines can change, not ${changes}`);
  while (places.size < changes) places.add(rng.pick(candidates));
  let edited = 0;
  let removed = 0;
  let added = 0;
  // from the bottom up, so that earlier indices stay valid
  for (const i of [...places].sort((a, b) => b - a)) {
    const roll = rng.next();
    if (roll < 0.1) {
      lines.splice(i, 1);
      removed++;
    } else if (roll < 0.2) {
      lines.splice(i + 1, 0, ' shutdown');
      added++;
    } else {
      const l = lines[i];
      lines[i] = /^ description /.test(l) ? ` description moved to rack ${rng.range(1, 40)}`
        : /vlan \d+$/.test(l) ? l.replace(/\d+$/, String(rng.range(401, 999)))
          : /eq \d+$/.test(l) ? l.replace(/eq \d+$/, `eq ${rng.range(1024, 65000)}`)
            : `${l} ! edited`;
      edited++;
    }
  }
  return { text: `${lines.join('\n')}\n`, edited, removed, added };
}

/** The real one-line change a timed backup run makes on every router: its SNMP location names the run. */
export function markRun(config: string, marker: string): string {
  if (!/^snmp-server location .*$/m.test(config)) throw new Error('the router configuration has no "snmp-server location" line');
  return config.replace(/^snmp-server location .*$/m, `snmp-server location Lab rack 2 ${marker}`);
}
