// A clock for what reads differently as time passes (a running scan's time left): the current
// time, re-read every `everyMs` while that is set, and not at all while it is null.
import { useEffect, useState } from 'react';

export function useNow(everyMs: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (everyMs === null) return undefined;
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return everyMs === null ? Date.now() : now;
}
