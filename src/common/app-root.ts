// common/: the checkout (or image) the server runs from: the folder holding package.json,
// dist/ and agents/, whether the server runs compiled (dist/src/...) or from its sources.
import * as path from 'node:path';

export function appRoot(): string {
  // this file is src/common/app-root.ts or dist/src/common/app-root.js
  return __dirname.includes(`${path.sep}dist${path.sep}`) ? path.resolve(__dirname, '../../..') : path.resolve(__dirname, '../..');
}
