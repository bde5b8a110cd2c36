// A backup or a remediation is a job: follow its server-sent events (lib/sse.ts) until `done`,
// then read the job once for its target's outcome in words ("new version 7 (+2 −0 lines …)"),
// refresh every configs view (and what the caller names) and tell the user.
import { useEffect, useRef, useState } from 'react';
import { QueryKey, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, Schemas, unwrap } from '../../api/client';
import { useSse } from '../../lib/sse';

export interface FollowedJob {
  id: number;
  /** what the job does, for the notification: "Backup", "Remediation" */
  what: string;
}

/** `refresh`: more queries to read again once the job is done, besides every configs view (a device page's tabs). */
export function useJobFollow(refresh: QueryKey[] = []) {
  const qc = useQueryClient();
  const [job, setJob] = useState<FollowedJob>();
  const sse = useSse<Schemas['JobView']>(job ? `/api/jobs/${job.id}/events` : undefined);
  const handled = useRef<number>(undefined);

  useEffect(() => {
    if (!job || !sse.done || handled.current === job.id) return;
    handled.current = job.id;
    const { id, what } = job;
    void (async () => {
      try {
        const detail = await unwrap(api.GET('/api/jobs/{id}', { params: { path: { id } } }));
        const t = detail.targets[0];
        const ok = t?.status === 'succeeded' || t?.status === 'skipped';
        notifications.show({
          color: ok ? 'green' : 'red',
          title: ok ? `${what} finished` : `${what} ${t?.status ?? 'did not run'}`,
          message: t?.reason || (ok ? 'Done.' : `See job ${id} for its log.`),
          autoClose: ok ? 6_000 : false,
        });
      } catch (err) {
        notifications.show({ color: 'red', title: `${what}: could not read job ${id}`, message: err instanceof Error ? err.message : String(err) });
      } finally {
        await Promise.all([['configs'], ...refresh].map((queryKey) => qc.invalidateQueries({ queryKey })));
        setJob(undefined);
      }
    })();
    // refresh is the caller's list of keys, read when the job ends: not a reason to run again
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job, sse.done, qc]);

  return {
    follow: (j: FollowedJob) => setJob(j),
    job,
    /** the job as its last event showed it */
    progress: sse.data,
    interrupted: sse.interrupted,
  };
}
