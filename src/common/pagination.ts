// common/: list query parameters shared by every list endpoint (page, limit, sort, q).
import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit: number = 50;
}

export class SearchPageQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'free-text search' })
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

export interface SortSpec {
  column: string;
  direction: 'ASC' | 'DESC';
}

/** `sort=-lastSeen` → {column, DESC}; only whitelisted fields, mapped to their SQL column. */
export function parseSort(raw: string | undefined, allowed: Record<string, string>, fallback: string): SortSpec {
  const value = raw ?? fallback;
  const desc = value.startsWith('-');
  const field = desc ? value.slice(1) : value;
  // own keys only: allowed['__proto__'] or allowed['constructor'] is no column (a sort of
  // "__proto__" handed Object.prototype to the query builder, which wrote into it)
  const column = Object.hasOwn(allowed, field) ? allowed[field] : undefined;
  if (typeof column !== 'string') {
    const message = `sort must be one of ${sortValues(allowed).join(', ')}`;
    throw new BadRequestException({ message, details: [{ field: 'sort', messages: [message] }] });
  }
  return { column, direction: desc ? 'DESC' : 'ASC' };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** LIKE pattern: the user's text anywhere, wildcards in it taken literally. */
export function likeContains(text: string): string {
  return `%${escapeLike(text)}%`;
}

/** LIKE pattern: values that start with the user's text (can use an index). */
export function likePrefix(text: string): string {
  return `${escapeLike(text)}%`;
}

/**
 * An SQL expression that orders a column of IP addresses by value, not as text (192.0.2.9
 * before 192.0.2.10): IPv4 as IPv4-mapped IPv6, so before global and link-local IPv6; NULL for
 * anything else (a host name). One expression, so that a sort's direction applies to it whole.
 */
export function ipOrder(column: string): string {
  return `INET6_ATON(IF(IS_IPV4(${column}), CONCAT('::ffff:', ${column}), ${column}))`;
}

/** Every accepted value of `sort`: each field, ascending or descending. */
export function sortValues(allowed: Record<string, string>): string[] {
  return Object.keys(allowed).flatMap((f) => [f, `-${f}`]);
}
