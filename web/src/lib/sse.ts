// Live progress from the server's server-sent event streams (…/events): event `progress`
// carries what the resource's GET shows, then `done`. EventSource sends the session cookie.
import { useEffect, useState } from 'react';

export interface SseState<T> {
  data?: T;
  done: boolean;
  /** The stream failed and the browser is retrying (shown as "reconnecting"). */
  interrupted: boolean;
}

/** `restart`: a new value opens the stream again (a resource that started again after its `done`). */
export function useSse<T>(url: string | undefined, onProgress?: (data: T) => void, restart?: string | number): SseState<T> {
  const [state, setState] = useState<SseState<T>>({ done: false, interrupted: false });
  useEffect(() => {
    if (!url) return;
    setState({ done: false, interrupted: false });
    const es = new EventSource(url, { withCredentials: true });
    const handle = (ev: MessageEvent) => {
      try {
        const data = JSON.parse(ev.data) as T;
        setState((s) => ({ ...s, data, interrupted: false }));
        onProgress?.(data);
      } catch {
        /* a keep-alive or a malformed line: the next event brings the state */
      }
    };
    es.addEventListener('progress', handle as EventListener);
    es.addEventListener('done', ((ev: MessageEvent) => {
      handle(ev);
      setState((s) => ({ ...s, done: true }));
      es.close();
    }) as EventListener);
    es.onerror = () => setState((s) => (s.done ? s : { ...s, interrupted: true }));
    return () => es.close();
    // onProgress is a callback from the caller's render: the stream follows the url (and restart) only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url, restart]);
  return state;
}
