// A time in a table cell as "5 min ago" with the exact time under it, both as text: in a tooltip
// the exact time reached a mouse only (a keyboard cannot hover, a touch screen does not), and a
// focusable trigger in every cell would make a long table a long walk with Tab.
import { Text } from '@mantine/core';
import { formatAgo, formatTime } from '../lib/format';

/** "Nov 30, 08:49 AM", with the year only when it is not this one: short enough to sit under "5 min ago". */
function shortTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  return d.toLocaleString(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', ...(d.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) });
}

/** `none`: what a cell without a time says ("never" for a sign-in that has not happened) */
export function When({ at, none = '—' }: { at: string | null | undefined; none?: string }) {
  if (!at) return <>{none}</>;
  const ago = formatAgo(at);
  // past a month "ago" is the exact time already
  if (ago === formatTime(at)) return <Text component="time" dateTime={at} size="sm">{ago}</Text>;
  return (
    <Text component="time" dateTime={at} size="sm" display="block" style={{ whiteSpace: 'nowrap' }}>
      {ago}
      <Text span display="block" size="xs" c="dimmed">
        {shortTime(at)}
      </Text>
    </Text>
  );
}
