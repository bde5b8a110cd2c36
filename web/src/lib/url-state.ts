// Every view and filter lives in the URL, so that any page can be bookmarked, shared and
// reloaded: these hooks read and write query-string parameters.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/**
 * The page's query parameters as a plain object, and a setter that merges (undefined or '' removes).
 * The merge starts from the address bar as it is now, not from React Router's copy of it: that copy
 * is the one of the render that made the setter, so a debounced write (the job wizard's fields)
 * firing after a navigation the page has not rendered yet would put back the old query and undo
 * the navigation (the wizard's Next stayed on its step when typing was followed at once by Next).
 */
export function useUrlParams(): [Record<string, string>, (patch: Record<string, string | number | undefined | null>, opts?: { replace?: boolean }) => void] {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => Object.fromEntries(params.entries()), [params]);
  const update = useCallback(
    (patch: Record<string, string | number | undefined | null>, opts?: { replace?: boolean }) => {
      setParams(
        () => {
          const next = new URLSearchParams(window.location.search);
          for (const [k, v] of Object.entries(patch)) {
            if (v === undefined || v === null || v === '') next.delete(k);
            else next.set(k, String(v));
          }
          return next;
        },
        { replace: opts?.replace ?? false },
      );
    },
    [setParams],
  );
  return [values, update];
}

/** Page and limit from the URL with the API's bounds (pages from 1, limit ≤ 500). */
export function pageOf(values: Record<string, string>, defaultLimit = 50): { page: number; limit: number } {
  const page = Math.max(1, Number.parseInt(values.page ?? '1', 10) || 1);
  const limit = Math.min(500, Math.max(1, Number.parseInt(values.limit ?? String(defaultLimit), 10) || defaultLimit));
  return { page, limit };
}
