// common/: path parameters that, when they are not what the route takes, answer 400 naming the
// parameter like any other field (not Nest's "Validation failed (numeric string is expected)").
import { Param, ParseIntPipe, PipeTransform } from '@nestjs/common';
import { badRequest } from './validation';

const refused = (name: string, message: string) => badRequest([{ field: name, messages: [message] }]);

export const IdParam = (name: string) =>
  Param(name, new ParseIntPipe({ exceptionFactory: () => refused(name, 'must be an integer id') }));

/** An integer path parameter from min to max (a port: 1 to 65535); outside them, too, a 400 naming it. */
export const IntParam = (name: string, min: number, max: number) => {
  const message = `must be an integer from ${min} to ${max}`;
  const inRange: PipeTransform<number, number> = {
    transform: (v) => {
      if (v < min || v > max) throw refused(name, message);
      return v;
    },
  };
  return Param(name, new ParseIntPipe({ exceptionFactory: () => refused(name, message) }), inRange);
};
