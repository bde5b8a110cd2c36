// common/: giving up work in flight when an AbortSignal fires.

/**
 * Runs `stop` when the signal aborts — at once if it already has — and returns what removes it
 * again, for when the work ended on its own first.
 */
export function onAbort(signal: AbortSignal | undefined, stop: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    stop();
    return () => undefined;
  }
  signal.addEventListener('abort', stop, { once: true });
  return () => signal.removeEventListener('abort', stop);
}
