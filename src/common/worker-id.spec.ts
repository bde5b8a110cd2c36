import { claimOwners, workerId } from './worker-id';

describe('workerId', () => {
  it('fits a lease owner column (64) with "/<run id>" after it, whatever the host name', () => {
    // a Kubernetes pod's name: 63 characters (before: 63 + pid + random, 77, and every claim refused)
    const pod = 'teknisi-worker-7f9c8d6b5-abcde'.padEnd(63, 'x');
    const id = workerId(pod);
    expect(id.length).toBeLessThanOrEqual(47);
    expect(`${id}/4294967295`.length).toBeLessThanOrEqual(64);
    expect(id).toMatch(new RegExp(`^${pod.slice(0, 32)}:${process.pid}:[0-9a-f]{6}$`));
  });

  it('tells two processes apart, and keeps a short host name whole', () => {
    expect(workerId('vm')).toMatch(/^vm:\d+:[0-9a-f]{6}$/);
    expect(workerId('vm')).not.toBe(workerId('vm'));
  });
});

describe('claimOwners', () => {
  it('names each claim of a process apart, within a lease owner column (64) after a billion claims', () => {
    const next = claimOwners(workerId('teknisi-worker-7f9c8d6b5-abcde'.padEnd(63, 'x')));
    const [a, b] = [next(), next()];
    expect(a).not.toBe(b);
    expect(a).toMatch(/#1$/);
    expect(`${a.slice(0, -2)}#${(1e9).toString(36)}`.length).toBeLessThanOrEqual(64);
  });
});
