// common/: field decorators that request DTOs of several modules share, so that each kind of
// value is checked one way: text trimmed before it is validated, and dates the database can keep.
import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { IsDate, ValidateBy, ValidateIf, ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * A field an edit may leave out but not send as null, in place of @IsOptional(), which passes
 * null as if the field were absent: the edit then wrote NULL over a value that must have one
 * (a 500 from the database, or a .trim() of null). Null is checked, and refused naming the
 * field, by the field's other decorators.
 */
export const Omittable = () => ValidateIf((_o, v: unknown) => v !== undefined);

/** Trims a string before validation, so that "   " meets MinLength(1) as "" does (and fails it). */
export const trimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** A date-time in the request, read as a Date; a bad one is "since must be an ISO 8601 date-time, like …", not class-validator's "must be a Date instance". */
export const IsoDateTime = () => applyDecorators(Type(() => Date), IsDate({ message: '$property must be an ISO 8601 date-time, like 2026-11-29T14:30:00Z' }));

/**
 * The dates the API takes for a stored time: a DATETIME column keeps years 1000 to 9999 (and
 * MySQL refuses the rest), and nothing Teknisi stores happened before 1970.
 */
export const STORABLE_DATES = { min: new Date('1970-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z') } as const;
export const STORABLE_DATES_TEXT = 'between 1970-01-01 and 9999-12-31';

export function isStorableDate(d: Date): boolean {
  const ms = d.getTime();
  return ms >= STORABLE_DATES.min.getTime() && ms <= STORABLE_DATES.max.getTime();
}

/**
 * A date (after @Type(() => Date) @IsDate()) in STORABLE_DATES: otherwise a 400 naming the field,
 * not the database's "Incorrect datetime value" as a 500. A value that is not a date is left to
 * IsDate's own message.
 */
export function StorableDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isStorableDate',
    validator: {
      validate: (v: unknown) => !(v instanceof Date) || Number.isNaN(v.getTime()) || isStorableDate(v),
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'date'} must be a date ${STORABLE_DATES_TEXT}`,
    },
  }, options);
}

/**
 * At most `max` characters as MySQL counts them for a VARCHAR(max) (code points), in place of
 * @MaxLength(max): class-validator does not count a variation selector (the U+FE0F of "❤️"), so
 * 65 of those passed MaxLength(128) and the database refused the 130 characters with "Data too
 * long", a 500. A value that is not a string is left to IsString.
 */
export function MaxChars(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'maxChars',
    constraints: [max],
    validator: {
      validate: (v: unknown) => typeof v !== 'string' || [...v].length <= max,
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must be at most ${max} characters`,
    },
  }, options);
}
