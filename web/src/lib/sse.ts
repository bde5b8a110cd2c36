// Live progress from the server's server-sent event streams (…/events): event `progress`
// carries what the resource's GET shows, then `done`. EventSource sends the session cookie.
import { useEffect, useState } from 'react';

export interface SseState<T> {
  data?: T;
  done: boolean;
  /** The stream failed and the browser is retrying (shown as "reconnecting"). */
  interrupted: boolean;
}

const IDLE = { done: false, interrupted: false } as const;

/**
 * `restart`: a new value opens the stream again (a resource that started again after its `done`).
 * The state belongs to one stream (url and restart): a caller that follows a second job reads
 * nothing of the first, not even in the render before the new stream opens; the first's `done`
 * had ended the second at once.
 */
export function useSse<T>(url: string | undefined, onProgress?: (data: T) => void, restart?: string | number): SseState<T> {
  const key = url === undefined ? undefined : `${url}\n${restart ?? ''}`;
  const [state, setState] = useState<SseState<T> & { key?: string }>(IDLE);
  useEffect(() => {
    if (!url) return;
    const mine = key;
    setState({ ...IDLE, key: mine });
    const update = (f: (s: SseState<T>) => SseState<T>) => setState((s) => (s.key === mine ? { ...f(s), key: mine } : s));
    const es = new EventSource(url, { withCredentials: true });
    const handle = (ev: MessageEvent) => {
      try {
        const data = JSON.parse(ev.data) as T;
        update((s) => ({ ...s, data, interrupted: false }));
        onProgress?.(data);
      } catch {
        /* a keep-alive or a malformed line: the next event brings the state */
      }
    };
    es.addEventListener('progress', handle as EventListener);
    es.addEventListener('done', ((ev: MessageEvent) => {
      handle(ev);
      update((s) => ({ ...s, done: true }));
      es.close();
    }) as EventListener);
    es.onerror = () => update((s) => (s.done ? s : { ...s, interrupted: true }));
    return () => es.close();
    // onProgress is a callback from the caller's render: the stream follows the url (and restart) only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url, restart]);
  if (key === undefined || state.key !== key) return IDLE;
  return { data: state.data, done: state.done, interrupted: state.interrupted };
}
