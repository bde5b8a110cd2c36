// web/: serves the built single-page app (dist/web, from `npm run build`) at / with a fallback
// to index.html for the SPA's own URLs; /api, /metrics and /admin/queues stay the server's.
import type { NestExpressApplication } from '@nestjs/platform-express';
import * as express from 'express';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appRoot } from '../common/app-root';

/**
 * dist/web beside the compiled server (dist/src/web/spa.js) or, from the sources, in the
 * checkout's dist/; TEKNISI_WEB_DIR points elsewhere (a build of one's own while others build).
 */
export function webDir(): string {
  if (process.env.TEKNISI_WEB_DIR) return path.resolve(process.env.TEKNISI_WEB_DIR);
  return path.join(appRoot(), 'dist', 'web');
}

const SERVER_PATHS = /^\/(api|metrics|admin\/queues)(\/|$)/;

/**
 * The SPA's pages carry a strict Content-Security-Policy: scripts only from this origin, so a
 * device string that ever slipped past React's escaping could not run. Mantine sets inline
 * styles, hence 'unsafe-inline' for styles only.
 */
export const SPA_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export function mountSpa(app: NestExpressApplication, dir = webDir()): void {
  const index = path.join(dir, 'index.html');
  // hashed file names under assets/ never change: cache them for a year
  app.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }));
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(req.path) || req.path.startsWith('/assets/')) return next();
    // a file the build emitted at its top (favicon, robots.txt) or a page of the SPA
    const file = path.join(dir, path.normalize(req.path).replace(/^(\.\.[/\\])+/, ''));
    const isTopFile = path.dirname(file) === dir && path.basename(file) !== 'index.html' && fs.existsSync(file) && fs.statSync(file).isFile();
    if (isTopFile) return res.sendFile(file);
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The web UI is not built. Run `npm run build` (or `npm start`, which builds it), then reload.\nThe API is at /api and its documentation at /api/docs.\n');
      return;
    }
    res.set({
      'Content-Security-Policy': SPA_CSP,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
    });
    res.sendFile(index);
  });
}
