import { BadRequestException, ConflictException, ForbiddenException, HttpException, NotFoundException } from '@nestjs/common';
import { toErrorBody } from './http-exception.filter';

describe('toErrorBody', () => {
  it.each([
    [new NotFoundException('User 3 does not exist'), { statusCode: 404, error: 'Not Found', message: 'User 3 does not exist' }],
    [new ConflictException('taken'), { statusCode: 409, error: 'Conflict', message: 'taken' }],
    [new ForbiddenException(), { statusCode: 403, error: 'Forbidden', message: 'Forbidden' }],
    [new HttpException('slow down', 429), { statusCode: 429, error: 'Too Many Requests', message: 'slow down' }],
    [
      new BadRequestException({ message: 'name: too long', details: [{ field: 'name', messages: ['too long'] }] }),
      { statusCode: 400, error: 'Bad Request', message: 'name: too long', details: [{ field: 'name', messages: ['too long'] }] },
    ],
    [new BadRequestException(['a is bad', 'b is bad']), { statusCode: 400, error: 'Bad Request', message: 'a is bad; b is bad' }],
  ])('%s → %p', (exception, expected) => {
    expect(toErrorBody(exception)).toEqual(expected);
  });

  it.each([
    [{ status: 400, type: 'entity.parse.failed' }, 400, 'Request body is not valid JSON'],
    [{ status: 413, type: 'entity.too.large' }, 413, 'Request body is too large'],
    [{ status: 415, type: 'encoding.unsupported' }, 415, 'Unsupported content encoding'],
    [{ status: 400, type: 'something.else' }, 400, 'Bad request'],
  ])('maps a body-parser error %p to %i', (err, statusCode, message) => {
    expect(toErrorBody(Object.assign(new Error('raw parser text'), err))).toMatchObject({ statusCode, message });
  });

  it.each([
    new Error('ER_NO_SUCH_TABLE: secret table name'),
    'a string',
    undefined,
    Object.assign(new Error('upstream'), { status: 502 }),
  ])('hides an unexpected error (%p) behind a plain 500', (err) => {
    expect(toErrorBody(err)).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
  });
});
