// database/: column helpers shared by entities, so that every table stores times
// and text the same way on MariaDB 10.11 and MySQL 8.
import { Column, ColumnOptions, PrimaryGeneratedColumn, ValueTransformer } from 'typeorm';

/** UTC time with milliseconds; set by the code, never by a server default. */
export const TimeColumn = (opts: ColumnOptions = {}) => Column({ type: 'datetime', precision: 3, ...opts });

export const IdColumn = () => PrimaryGeneratedColumn({ type: 'int', unsigned: true });

export const RefColumn = (opts: ColumnOptions = {}) => Column({ type: 'int', unsigned: true, ...opts });

export const TextColumn = (length: number, opts: ColumnOptions = {}) =>
  Column({ type: 'varchar', length, nullable: true, ...opts });

const BIGINT_NUMBER: ValueTransformer = {
  to: (v: unknown) => v,
  from: (v: unknown) => (v === undefined || v === null ? v : Number(v)),
};

/** A reference to a BIGINT id, read as a number as the API shows ids (such ids stay far below 2^53). */
export const BigRefColumn = (opts: ColumnOptions = {}) => Column({ type: 'bigint', unsigned: true, transformer: BIGINT_NUMBER, ...opts });

const JSON_TEXT: ValueTransformer = {
  to: (v: unknown) => (v === undefined || v === null ? v : JSON.stringify(v)),
  from: (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v),
};

/**
 * JSON in a MEDIUMTEXT (16 MiB), for values whose size the request body sets: TypeORM's
 * simple-json is a TEXT of 64 KiB, which a job's 64 KiB script alone outgrows once JSON escapes
 * it (a quote takes two bytes, a control character six).
 */
export const LongJsonColumn = (opts: ColumnOptions = {}) => Column({ type: 'mediumtext', transformer: JSON_TEXT, ...opts });
