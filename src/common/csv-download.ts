// common/: a CSV file streamed to the browser as it is read from the database.
import type { Response } from 'express';
import { once } from 'node:events';

/**
 * Sends `chunks` as the CSV attachment `filename`. The first chunk is read before any header is
 * written, so that what fails up front (a missing record, a bad sort) still answers as JSON; the
 * rest is written as fast as the client reads it.
 */
export async function sendCsv(res: Response, filename: string, chunks: AsyncGenerator<string>): Promise<void> {
  const first = await chunks.next();
  res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  if (!first.done) res.write(first.value);
  for await (const chunk of chunks) {
    if (!res.write(chunk)) await once(res, 'drain');
  }
  res.end();
}
