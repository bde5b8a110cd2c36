// A 400 from the API names each offending field ({details: [{field, messages}]}): these turn it
// into the message each form input shows under itself, so the user sees which field is wrong
// and why, beside the field, as well as in the form's ErrorAlert (which, told the fields shown
// beside their inputs, points at them instead of saying their messages twice).
import { ApiError } from '../api/client';

/** field → message, from an ApiError's details (the house array shape, or an object of field → messages). */
export function fieldErrorsOf(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || !err.details) return {};
  const out: Record<string, string> = {};
  const text = (m: unknown) => (Array.isArray(m) ? m.map(String).join('; ') : String(m ?? ''));
  if (Array.isArray(err.details)) {
    for (const d of err.details) {
      if (d && typeof d === 'object' && typeof (d as { field?: unknown }).field === 'string') {
        const { field, messages } = d as { field: string; messages?: unknown };
        out[field] = out[field] ? `${out[field]}; ${text(messages)}` : text(messages);
      }
    }
  } else {
    for (const [k, v] of Object.entries(err.details)) out[k] = text(v);
  }
  return out;
}

/** The message for a field, or for any field under it (`block` also shows `block.start`'s). */
export function errorFor(errors: Record<string, string>, ...fields: string[]): string | undefined {
  const hits = Object.entries(errors).filter(([k]) => fields.some((f) => k === f || k.startsWith(`${f}.`)));
  return hits.length ? hits.map(([, v]) => v).join('; ') : undefined;
}
