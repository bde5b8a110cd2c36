// The tags the team already uses (GET /api/tags, the 200 most used), offered where tags are typed
// — the grid's Tag filter and the bulk tag dialog — so that "floor-2" does not become "Floor 2".
import { defaultOptionsFilter, OptionsFilter } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

export const tagsKey = ['tags'] as const;

export function useTagSuggestions(enabled = true): string[] {
  const tags = useQuery({
    queryKey: tagsKey,
    queryFn: () => unwrap(api.GET('/api/tags', { params: { query: { limit: 200 } } })),
    staleTime: 60_000,
    enabled,
  });
  return tags.data?.items.map((t) => t.tag) ?? [];
}

/**
 * Suggestions only once something is typed: an empty tag field shows no list, so the list
 * closes once a tag is added and never covers the form's buttons.
 */
export const suggestWhileTyping: OptionsFilter = ({ options, search, limit }) =>
  search.trim() ? (defaultOptionsFilter({ options, search, limit }) as ReturnType<OptionsFilter>) : [];
