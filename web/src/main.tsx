// The SPA's entry: Mantine (light/dark from the OS, switchable), TanStack Query, the router.
import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/notifications/styles.css';
import './a11y.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme, CSSVariablesResolver, localStorageColorSchemeManager, MantineProvider, Modal } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { ApiError } from './api/client';
import { router } from './routes';

// Contrast (WCAG AA, 4.5:1 for text; test/ui/a11y checks every page with axe-core): Mantine's
// indigo.6 under white button labels and as link text is 4.3:1, and links must stay readable on
// a selected row's tint too, so the primary shade is 8; its dimmed grey is 3.3:1 on white
// (light) and 4.0:1 on the dark body, so it is darker / lighter here. A selected table row is
// tinted with indigo.0 in light mode (the primary's light variant left its links at 3.9:1).
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  defaultRadius: 'sm',
  // no fades or slides for a system set to reduce motion (a11y.css stills the CSS animations)
  respectReducedMotion: true,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  components: {
    // every dialog's ✕ has a name, and its <header> is not a second page banner beside the app's
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' }, attributes: { header: { role: 'none' } } } }),
  },
});
const cssVariables: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#5c636a',
    // a refused field's message and text: red.6 is 3.3:1 on white
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--teknisi-selected-row': 'var(--mantine-color-indigo-0)',
    // coloured text (c="red", "green", …: failing, passing, drift) is the colour's filled shade,
    // 3.5:1 for green on white: its darkest shade towards black instead (70%, as in a11y.css:
    // every Mantine colour then reaches ≥ 5:1 on white, striped and selected rows)
    ...Object.fromEntries(Object.keys(t.colors).map((c) => [`--mantine-color-${c}-text`, `color-mix(in srgb, var(--mantine-color-${c}-9) 70%, black)`])),
  },
  // red.8, the dark scheme's error colour, is 3.0:1 on an input's grey
  dark: { '--mantine-color-dimmed': '#acacac', '--teknisi-selected-row': 'var(--mantine-primary-color-light)', '--mantine-color-error': 'var(--mantine-color-red-4)' },
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: true,
      // a 4xx will not change by asking again
      retry: (n, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && n < 2,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables} defaultColorScheme="auto" colorSchemeManager={localStorageColorSchemeManager({ key: 'teknisi-color-scheme' })}>
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
