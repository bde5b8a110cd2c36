// devices/: CSV export of any filtered list (streamed, in chunks) and CSV import with a
// per-row report. Cells that a spreadsheet would run as a formula are neutralized.
import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { parseSort } from '../common/pagination';
import { flattenValidationErrors } from '../common/validation';
import { CreateDeviceDto, DEVICE_SORT, DeviceFilterQuery, ImportReport, ImportRowResult, UpdateDeviceDto } from './device.dto';
import { DevicesRepository, ExportRow } from './devices.repository';
import { normalizeMac } from '../common/mac';
import { Actor, DevicesService, filterOf } from './devices.service';

export const CSV_COLUMNS = [
  'id', 'hostname', 'fqdn', 'type', 'platform', 'vendor', 'model', 'serial', 'osFamily', 'osName', 'osVersion',
  'primaryIp', 'macs', 'tags', 'location', 'assignedTo', 'status', 'firstSeen', 'lastSeen', 'notes',
] as const;

/** Columns an import may carry (those of an export): firstSeen and lastSeen are read and left alone, the server's to set. */
const IMPORT_COLUMNS = new Set<string>(['id', 'hostname', 'fqdn', 'type', 'platform', 'vendor', 'model', 'serial', 'osFamily', 'osName', 'osVersion', 'primaryIp', 'macs', 'tags', 'location', 'assignedTo', 'notes', 'status', 'firstSeen', 'lastSeen']);

export const MAX_IMPORT_ROWS = 50_000;

/** A cell starting with = + - @ (or a tab/CR) is prefixed with ' so that spreadsheets show it as text. */
export function neutralizeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The inverse on import: a leading ' before such a character was ours. */
export function unneutralizeCell(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

/**
 * One CSV line (RFC 4180: a field holding a quote, comma or line break is quoted). Written by
 * hand because it is the export's hot loop: csv-stringify took five times as long per row.
 */
export function csvLine(fields: string[]): string {
  return `${fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')}\n`;
}

function cells(d: ExportRow): string[] {
  const iso = (t: Date | null) => (t ? new Date(t).toISOString() : '');
  return [
    String(d.id), d.hostname ?? '', d.fqdn ?? '', d.type, d.platform, d.vendor ?? '', d.model ?? '', d.serial ?? '',
    d.osFamily ?? '', d.osName ?? '', d.osVersion ?? '', d.primaryIp ?? '', d.macs ?? '', d.tags ?? '',
    d.location ?? '', d.assignedTo ?? '', d.status, iso(d.firstSeen), iso(d.lastSeen), d.notes ?? '',
  ].map(neutralizeCell);
}

@Injectable()
export class DevicesCsvService {
  private readonly logger = new Logger(DevicesCsvService.name);

  constructor(
    private readonly repo: DevicesRepository,
    private readonly devices: DevicesService,
  ) {}

  /** Yields the CSV text in chunks of lines, streamed from the database: memory stays flat. */
  async *export(q: DeviceFilterQuery): AsyncGenerator<string> {
    const sort = parseSort(q.sort, DEVICE_SORT, 'hostname');
    yield csvLine([...CSV_COLUMNS]);
    let chunk = '';
    for await (const row of this.repo.streamExport(filterOf(q), sort)) {
      chunk += csvLine(cells(row));
      if (chunk.length >= 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }

  async import(text: string, actor: Actor): Promise<ImportReport> {
    const records = this.parse(text);
    const report: ImportReport = { created: 0, updated: 0, failed: 0, rows: [] };
    for (const { record, line } of records) {
      const result = await this.importRow(record, line, actor);
      report.rows.push(result);
      if (result.status === 'created') report.created++;
      else if (result.status === 'updated') report.updated++;
      else report.failed++;
    }
    return report;
  }

  /** The rows, each with the line of the file it starts on (a quoted cell may span lines; blank lines are skipped). */
  private parse(text: string): Array<{ record: Record<string, string>; line: number }> {
    if (typeof text !== 'string' || !text.trim()) {
      throw new BadRequestException('Send the CSV as the request body with Content-Type: text/csv');
    }
    // the body is read as UTF-8: bytes that are not (Excel's "CSV (Comma delimited)" is
    // Windows-1252) arrive as U+FFFD, and "Büro" would be stored as "B�ro" without a word
    const bad = text.indexOf('\uFFFD');
    if (bad >= 0) {
      const line = text.slice(0, bad).split('\n').length;
      throw new BadRequestException({
        message: `The CSV is not UTF-8 (line ${line} holds bytes that are not): save it as "CSV UTF-8" and import it again`,
        details: [{ field: 'body', messages: [`line ${line}: not UTF-8`] }],
      });
    }
    let parsed: Array<{ record: Record<string, string>; info: { lines: number }; raw: string }>;
    try {
      // one line ending (csv-parse counts a skipped \r\n line twice); a cell's own CRLF becomes LF
      parsed = parse(text.replace(/\r\n?/g, '\n'), {
        columns: (h: string[]) => h.map((c) => c.trim()), bom: true, skip_empty_lines: true, trim: true, relax_column_count: false, max_record_size: 64 * 1024,
        info: true, raw: true,
      });
    } catch (err) {
      throw new BadRequestException(`The CSV cannot be read: ${(err as Error).message}`);
    }
    // info.lines is the line a record ends on: less the line breaks inside it (its quoted cells'),
    // not counting the blank lines skipped before it, which its raw text starts with
    const records = parsed.map(({ record, info, raw }) => {
      const own = raw.replace(/^(?:[ \t]*\n)+/, '').replace(/\n$/, '');
      return { record, line: info.lines - (own.match(/\n/g)?.length ?? 0) };
    });
    const header = records.length ? Object.keys(records[0].record) : [];
    const unknown = header.filter((c) => !IMPORT_COLUMNS.has(c));
    if (unknown.length) {
      throw new BadRequestException({
        message: `Unknown column(s): ${unknown.join(', ')}. Known: ${[...IMPORT_COLUMNS].join(', ')}`,
        details: unknown.map((field) => ({ field, messages: ['unknown column'] })),
      });
    }
    if (records.length > MAX_IMPORT_ROWS) throw new BadRequestException(`At most ${MAX_IMPORT_ROWS} rows per import; split the file`);
    return records;
  }

  /** One row in its own transaction: a bad row is reported and the good ones still land. */
  private async importRow(record: Record<string, string>, line: number, actor: Actor): Promise<ImportRowResult> {
    const plain: Record<string, unknown> = {};
    for (const [k, raw] of Object.entries(record)) {
      const v = unneutralizeCell(raw ?? '');
      if (v === '' || ['id', 'firstSeen', 'lastSeen'].includes(k)) continue;
      if (k === 'tags') plain.tags = v.split(';').map((t) => t.trim()).filter(Boolean);
      else if (k === 'macs') plain.addresses = v.split(';').map((mac) => mac.trim()).filter(Boolean).map((mac) => ({ mac }));
      else plain[k] = v;
    }
    const dto = plainToInstance(UpdateDeviceDto, plain);
    const errors = flattenValidationErrors(await validate(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } }));
    const idText = record.id?.trim();
    if (idText && !/^\d+$/.test(idText)) errors.push({ field: 'id', messages: ['id must be a device id (a whole number)'] });
    if (errors.length) return { line, status: 'failed', errors: errors.map((e) => ({ ...e, field: e.field.replace(/^addresses\.\d+\.mac$/, 'macs') })) };
    try {
      let id = idText ? Number(idText) : undefined;
      // a file exported before a merge names the merged device: its row updates the survivor
      if (id && !(await this.repo.exists(id))) id = (await this.repo.survivorOf(id)) ?? id;
      if (!id && dto.serial) {
        const matches = await this.repo.idsBySerial(dto.serial);
        if (matches.length > 1) return { line, status: 'failed', errors: [{ field: 'serial', messages: [`${matches.length} devices carry this serial; give the id column`] }] };
        id = matches[0];
      }
      // MACs add to what is known rather than replace it, so an import never drops discovered addresses
      if (id && dto.addresses) {
        const known = (await this.devices.get(id)).addresses;
        const knownMacs = new Set(known.map((a) => a.mac).filter(Boolean));
        dto.addresses = [
          ...known.map((a) => ({ ip: a.ip ?? undefined, mac: a.mac ?? undefined, interfaceName: a.interfaceName ?? undefined })),
          ...dto.addresses.filter((a) => !knownMacs.has(normalizeMac(a.mac!) ?? '')),
        ];
      }
      if (id) {
        await this.repo.transaction((m) => this.devices.updateIn(m, id!, dto, actor));
        return { line, status: 'updated', id };
      }
      // a new device starts active; a row that says otherwise (retired, from an export) is then set so
      const created = await this.repo.transaction(async (m) => {
        const newId = await this.devices.createIn(m, dto as CreateDeviceDto, actor);
        if (dto.status && dto.status !== 'active') await this.devices.updateIn(m, newId, { status: dto.status }, actor);
        return newId;
      });
      return { line, status: 'created', id: created };
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status && status < 500) {
        const resp = (err as { response?: { message?: string; details?: ImportRowResult['errors'] } }).response;
        return { line, status: 'failed', errors: resp?.details ?? [{ field: 'id', messages: [resp?.message ?? (err as Error).message] }] };
      }
      // the rows before it are stored: the report must still say which, and this one's failure
      // (a deadlock with a scan's ingest, a lock wait) is worth another try of the row alone
      this.logger.warn({ line, err: (err as Error).message }, 'an imported row could not be stored');
      return { line, status: 'failed', errors: [{ field: 'row', messages: ['the server could not store this row (its log says why); import it again'] }] };
    }
  }
}
