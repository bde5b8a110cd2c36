// A spinner with a name, for what is loading: Mantine's Loader is a bare <span>, on which an
// aria-label is neither allowed (axe: aria-prohibited-attr) nor read; as a progress bar
// (indeterminate: no value) it is both.
import { Loader, LoaderProps } from '@mantine/core';

export function Spinner({ label, ...props }: LoaderProps & { label: string }) {
  return <Loader role="progressbar" aria-label={label} {...props} />;
}
