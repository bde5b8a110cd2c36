// database/: column helpers shared by entities, so that every table stores times
// and text the same way on MariaDB 10.11 and MySQL 8.
import { Column, ColumnOptions, PrimaryGeneratedColumn } from 'typeorm';

/** UTC time with milliseconds; set by the code, never by a server default. */
export const TimeColumn = (opts: ColumnOptions = {}) => Column({ type: 'datetime', precision: 3, ...opts });

export const IdColumn = () => PrimaryGeneratedColumn({ type: 'int', unsigned: true });

export const RefColumn = (opts: ColumnOptions = {}) => Column({ type: 'int', unsigned: true, ...opts });

export const TextColumn = (length: number, opts: ColumnOptions = {}) =>
  Column({ type: 'varchar', length, nullable: true, ...opts });
