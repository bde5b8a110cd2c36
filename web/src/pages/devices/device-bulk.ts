// Bulk tags on the devices grid: what PATCH /api/devices is sent for a selection, and its
// answer ({matched, updated}) in words. The selection's "all matching" is sent as the filter
// itself, so tagging 100,000 devices never lists their ids in the browser.
import type { paths } from '../../api/client';
import type { DeviceFilter, Selection } from './device-filters';
import { plural } from '../../lib/format';

export type BulkTagBody = NonNullable<paths['/api/devices']['patch']['requestBody']>['content']['application/json'];
export type BulkTagAction = 'add' | 'remove';

export function bulkTagBody(selection: Selection, filter: DeviceFilter, action: BulkTagAction, tags: string[]): BulkTagBody {
  const target = selection.all ? { filter } : { ids: [...selection.ids].sort((a, b) => a - b) };
  return { ...target, ...(action === 'add' ? { addTags: tags } : { removeTags: tags }) };
}

const devices = (n: number) => plural(n, 'device');
const listed = (tags: string[]) => tags.map((t) => `“${t}”`).join(', ');

/** "“floor-2” added to 2 devices." / "… to 1 of 3 devices; the other 2 already had it." */
export function bulkTagWords(action: BulkTagAction, tags: string[], r: { matched: number; updated: number }): string {
  if (r.matched === 0) return 'No device matched, so nothing changed.';
  const what = `${listed(tags)} ${action === 'add' ? 'added to' : 'removed from'}`;
  if (r.updated === r.matched) return `${what} ${devices(r.updated)}.`;
  const rest = r.matched - r.updated;
  const why = action === 'add' ? (tags.length === 1 ? 'already had it' : 'already had them') : tags.length === 1 ? 'did not have it' : 'had none of them';
  return `${what} ${r.updated.toLocaleString()} of ${devices(r.matched)}; the ${rest === 1 ? 'other one' : `other ${rest.toLocaleString()}`} ${why}.`;
}
