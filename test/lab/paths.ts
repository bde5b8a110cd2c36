// The lab's own files (recordings, fixtures, session scripts) live beside its sources in
// test/lab/; compiled into dist/test/lab for `npm run lab`, the code still reads them there.
import * as path from 'node:path';

export const LAB_SOURCE_DIR = path.resolve(__dirname).replace(/([\\/])dist\1test\1lab$/, '$1test$1lab');
