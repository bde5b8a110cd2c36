// The SPA's build: web/ → dist/web, which the Nest server serves at / (src/web/spa.ts).
// Vite 8 transforms TSX with Oxc itself, so no React plugin is needed for a production build.
import { defineConfig } from 'vite';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.resolve(here, '../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
    rolldownOptions: {
      // Mantine marks its modules "use client" for React Server Components; meaningless here
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npx vite web` for UI work against a running server on :3000
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
