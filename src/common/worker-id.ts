// common/: this process among the workers, as lease owners name it (scan chunks, job targets,
// device leases: varchar(64) columns, a device lease's with "/<run id>" after it).
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
