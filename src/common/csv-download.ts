// common/: a CSV file streamed to the browser as it is read from the database.
import type { Response } from 'express';
import { once } from 'node:events';

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
  for await (const chunk of chunks) {
    if (!res.write(chunk)) await once(res, 'drain');
  }
  res.end();
}
