// common/: this process among the workers, as lease owners name it (scan chunks, job targets,
// device leases: varchar(64) columns), and each of its claims ("#<n>" after it).
import * as crypto from 'node:crypto';
import * as os from 'node:os';

/** The longest host name part kept: a Kubernetes pod's or a cloud VM's name runs to 63 characters. */
const HOST_CHARS = 32;

/**
 * `<host>:<pid>:<random>`, at most 47 characters: the host name cut to 32, the pid, and a random
 * part that tells a restarted process with the same pid apart. A long host name made the owner
 * longer than its column, strict mode refused every claim, and scans stayed queued for ever.
 */
export function workerId(hostname = os.hostname()): string {
  return `${hostname.slice(0, HOST_CHARS)}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
}

/**
 * Lease owners of one claim each, `<worker>#<n>`: a claim that outlived its lease (a database
 * outage longer than it) must not pass for the next claim this process makes of the same work,
 * whose renewals it would otherwise match.
 */
export function claimOwners(worker: string): () => string {
  let n = 0;
  return () => `${worker}#${(++n).toString(36)}`;
}
