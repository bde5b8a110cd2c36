// A search box whose text lives in the URL: typing updates the parameter after a pause (replacing
// the history entry, so Back does not step through every keystroke), Enter at once; a change of
// the URL from elsewhere (the global search, Back) shows in the box.
import { useEffect, useRef, useState } from 'react';
import { CloseButton, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';

export interface SearchBoxProps {
  value: string | undefined;
  onSearch: (text: string) => void;
  label: string;
  placeholder?: string;
  delayMs?: number;
  w?: number | string;
}

export function SearchBox({ value, onSearch, label, placeholder, delayMs = 350, w }: SearchBoxProps) {
  const [text, setText] = useState(value ?? '');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const sent = useRef(value ?? '');

  useEffect(() => {
    // the URL changed under us (global search, Back, a saved filter): show what it says
    if ((value ?? '') !== sent.current) {
      sent.current = value ?? '';
      setText(value ?? '');
    }
  }, [value]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const send = (next: string) => {
    clearTimeout(timer.current);
    if (next.trim() === sent.current.trim()) return;
    sent.current = next.trim();
    onSearch(next.trim());
  };

  return (
    <form
      role="search"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        send(text);
      }}
      style={{ width: w ?? 320, maxWidth: '100%', marginBottom: 'var(--mantine-spacing-xs)' }}
    >
      <TextInput
        aria-label={label}
        placeholder={placeholder}
        leftSection={<IconSearch size={16} />}
        value={text}
        autoComplete="off"
        onChange={(e) => {
          const next = e.currentTarget.value;
          setText(next);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => send(next), delayMs);
        }}
        rightSection={text ? <CloseButton size="sm" aria-label="Clear search" onClick={() => (setText(''), send(''))} /> : null}
      />
    </form>
  );
}
