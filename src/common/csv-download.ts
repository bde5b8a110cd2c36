// common/: a CSV file streamed to the browser as it is read from the database.
import type { Response } from 'express';

/**
 * Sends `chunks` as the CSV attachment `filename`. The first chunk is read before any header is
 * written, so that what fails up front (a missing record, a bad sort) still answers as JSON; the
 * rest is written as fast as the client reads it. The file starts with a UTF-8 byte order mark:
 * without one, Excel opens a CSV in the machine's ANSI code page (Büro-Drucker as BÃ¼ro-Drucker);
 * the import (csv-parse, bom: true) and LibreOffice skip it.
 */
export async function sendCsv(res: Response, filename: string, chunks: AsyncGenerator<string>): Promise<void> {
  const first = await chunks.next();
  res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.write('\ufeff');
  if (!first.done) res.write(first.value);
  while (!res.destroyed) {
    const next = await chunks.next();
    if (next.done) return void res.end();
    if (!res.write(next.value)) await drainedOrClosed(res);
  }
  // the client has gone: returning the generator ends the export, and the queries it would still make
  await chunks.return(undefined);
}

/** Waits until `res` takes more; a closed connection never drains, so its close ends the wait too. */
function drainedOrClosed(res: Response): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}
