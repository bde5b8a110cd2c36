// Waiting in integration specs for what the system does in the background (a scan, a job run).

/** Calls `fn` every `everyMs` until it returns something truthy, and returns that; past `ms`, fails naming `what`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 60_000, everyMs = 200): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
