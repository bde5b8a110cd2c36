// Scans through the API in integration specs: start one, wait for it to end, read its view.
import type { TestApp } from './app';
import { until } from './until';

export interface ScanView {
  id: number;
  status: string;
  progress: { done: number; total: number; found: number };
  results: Array<{ address: string; status: string; reason: string | null; deviceId: number | null }>;
}

/** POSTs the scan as `auth` and waits (up to `ms`) until it is no longer queued or running; its view. */
export async function scanToEnd(http: TestApp['http'], auth: Record<string, string>, body: object, ms = 60_000): Promise<ScanView> {
  const id = (await http.post('/api/discovery/scans').set(auth).send(body).expect(202)).body.id as number;
  return until(`scan ${id}`, async () => {
    const s = (await http.get(`/api/discovery/scans/${id}`).set(auth).expect(200)).body as ScanView;
    return !['queued', 'running'].includes(s.status) && s;
  }, ms);
}
