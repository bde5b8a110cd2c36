// Before every spec file: host names resolve from /etc/hosts alone. The specs use names that
// must not resolve (typos, `.invalid`, `.example`), and getaddrinfo asked this machine's DNS
// server about each — a packet off the machine, where tests contact only 127.0.0.0/8. A name
// /etc/hosts does not list now fails at once as DNS would answer it: ENOTFOUND.
import type * as Dns from 'node:dns';
import * as fs from 'node:fs';
import { isIP } from 'node:net';

// the module itself, whose functions the code under test calls (an `import * as` may be a copy)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dns = require('node:dns') as { lookup: typeof Dns.lookup; promises: { lookup: typeof Dns.promises.lookup } };

function hostsNames(): Set<string> {
  const names = new Set(['localhost']);
  try {
    for (const line of fs.readFileSync('/etc/hosts', 'utf8').split('\n')) {
      for (const name of line.replace(/#.*/, '').trim().split(/\s+/).slice(1)) if (name) names.add(name.toLowerCase());
    }
  } catch {
    // no /etc/hosts: localhost alone
  }
  return names;
}

const LOCAL = hostsNames();
const isLocal = (name: unknown) => typeof name !== 'string' || isIP(name) !== 0 || LOCAL.has(name.toLowerCase().replace(/\.$/, ''));
const notFound = (name: string) => Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: name });

type Lookup = typeof Dns.lookup;
const lookup = dns.lookup;
dns.lookup = function (this: unknown, hostname: string, ...rest: unknown[]) {
  if (isLocal(hostname)) return (lookup as (...a: unknown[]) => unknown).call(this, hostname, ...rest);
  const callback = rest[rest.length - 1] as (err: Error) => void;
  process.nextTick(callback, notFound(hostname));
} as Lookup;

const promises = dns.promises;
const lookupPromise = promises.lookup;
promises.lookup = function (this: unknown, hostname: string, ...rest: unknown[]) {
  if (isLocal(hostname)) return (lookupPromise as (...a: unknown[]) => Promise<unknown>).call(this, hostname, ...rest);
  return Promise.reject(notFound(hostname));
} as typeof Dns.promises.lookup;
