// The lab's own files (recordings, fixtures, session scripts) live beside its sources in
// test/lab/; compiled into dist/test/lab for `npm run lab`, the code still reads them there.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LAB_SOURCE_DIR = path.resolve(__dirname).replace(/([\\/])dist\1test\1lab$/, '$1test$1lab');

/**
 * A session script of the lab as it is installed: each `#@include FILE` line replaced by that
 * file of test/lab/ (the sessions' shared shell functions), so the installed script reads
 * nothing beside itself.
 */
export function labScript(name: string): string {
  const read = (f: string) => fs.readFileSync(path.join(LAB_SOURCE_DIR, f), 'utf8');
  return read(name).replace(/^#@include ([\w.-]+)\n/gm, (_, f: string) => read(f));
}
