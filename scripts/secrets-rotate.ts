// npm run secrets:rotate: re-encrypts every stored credential under a new root key.
// The current key is TEKNISI_SECRET_KEY or the generated key file; the new one is
// TEKNISI_NEW_SECRET_KEY, or (with the key file) a fresh random key written to the key file.
// Stop the API and workers first: a process still holding the old key would write rows that
// the new key cannot read. Login sessions end (they are signed with the old key).
import 'reflect-metadata';
import { loadEnv, run } from '../src/bootstrap';
import { openDataSource } from '../src/database/data-source';
import { RotationError, runKeyRotation } from '../src/credentials/secrets-rotation';

run(async () => {
  const config = loadEnv();
  const ds = await openDataSource(config.databaseUrl);
  try {
    await runKeyRotation({ ds, config, newSecretKey: process.env.TEKNISI_NEW_SECRET_KEY, print: (line) => console.log(line) });
  } catch (err) {
    if (!(err instanceof RotationError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  } finally {
    await ds.destroy();
  }
});
