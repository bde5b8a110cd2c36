// The wizard's long fields kept out of its URL: a script (up to 64 KiB), its parameters and the
// files to back up live in the tab's sessionStorage under a draft id that the URL carries
// (draft=…). In the URL they made the request's headers pass Node's 16 KiB limit, and a reload
// or a new tab of that address was a blank page (431). An edit keeps every field there: its URL
// is edit=ID&step=N&draft=…, and it is filled from the job until the first change is kept.
// A draft is the tab's own (a new tab of the address has none) and belongs to its id: a new job
// opened afresh gets a new id, never an abandoned draft's fields.
import type { WizardState } from './wizard-state';

export const LONG_FIELDS = ['script', 'parameters', 'files'] as const;

const PREFIX = 'teknisi.job-draft.';
/** drafts a tab keeps (the newest): a wizard left without saving leaves its draft behind */
const KEEP = 10;

interface Stored {
  at: number;
  /** the job an edit changes; absent for a new job */
  edit?: number;
  fields: Partial<WizardState>;
}

export function newDraftId(): string {
  // getRandomValues, not randomUUID: this runs on plain http (a server on the LAN) too
  const b = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A new job's long fields, or an edit's every field, as kept for this draft id and job; undefined when this tab has none. */
export function readDraft(id: string | undefined, edit: number | undefined): Partial<WizardState> | undefined {
  if (!id) return undefined;
  try {
    const d = JSON.parse(sessionStorage.getItem(PREFIX + id) ?? 'null') as Stored | null;
    if (!d || typeof d.fields !== 'object' || d.edit !== edit) return undefined;
    if (edit !== undefined) return typeof d.fields.kind === 'string' ? d.fields : undefined;
    return Object.fromEntries(LONG_FIELDS.filter((k) => typeof d.fields[k] === 'string').map((k) => [k, d.fields[k]]));
  } catch {
    return undefined;
  }
}

export function writeDraft(id: string, edit: number | undefined, fields: Partial<WizardState>): void {
  try {
    sessionStorage.setItem(PREFIX + id, JSON.stringify({ at: Date.now(), edit, fields } satisfies Stored));
  } catch {
    // storage full or turned off: the fields stay in the page, only a reload loses them
  }
}

export function dropDraft(id: string): void {
  try {
    sessionStorage.removeItem(PREFIX + id);
  } catch {
    // nothing kept
  }
}

/** Forgets all but the newest drafts of this tab (and `keep`'s): called as a wizard opens. */
export function pruneDrafts(keep: string): void {
  try {
    const drafts: Array<[string, number]> = [];
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i);
      if (!key?.startsWith(PREFIX) || key === PREFIX + keep) continue;
      let at = 0;
      try {
        at = Number((JSON.parse(sessionStorage.getItem(key) ?? '{}') as Stored).at) || 0;
      } catch {
        // unreadable: the oldest
      }
      drafts.push([key, at]);
    }
    drafts.sort((a, b) => b[1] - a[1]);
    for (const [key] of drafts.slice(KEEP - 1)) sessionStorage.removeItem(key);
  } catch {
    // storage turned off: nothing kept
  }
}
