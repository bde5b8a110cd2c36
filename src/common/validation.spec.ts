import { BadRequestException, ValidationError } from '@nestjs/common';
import { flattenValidationErrors } from './validation';

const err = (property: string, constraints?: Record<string, string>, children: ValidationError[] = []): ValidationError => ({ property, constraints, children });

describe('flattenValidationErrors', () => {
  it('names each field with its messages', () => {
    expect(flattenValidationErrors([err('name', { isString: 'name must be a string', maxLength: 'name is too long' }), err('port', { isInt: 'port must be an integer' })])).toEqual([
      { field: 'name', messages: ['name must be a string', 'name is too long'] },
      { field: 'port', messages: ['port must be an integer'] },
    ]);
  });

  it('names nested fields with dotted paths', () => {
    const nested = err('target', undefined, [err('tags', undefined, [err('0', { isString: 'each tag must be a string' })]), err('filter', { isObject: 'filter must be an object' })]);
    expect(flattenValidationErrors([nested])).toEqual([
      { field: 'target.tags.0', messages: ['each tag must be a string'] },
      { field: 'target.filter', messages: ['filter must be an object'] },
    ]);
  });

  it('returns nothing for nothing', () => {
    expect(flattenValidationErrors([])).toEqual([]);
  });

  it('is what the 400 carries', () => {
    expect(new BadRequestException({ message: 'x', details: flattenValidationErrors([err('a', { c: 'a is bad' })]) }).getResponse()).toMatchObject({ details: [{ field: 'a' }] });
  });
});
