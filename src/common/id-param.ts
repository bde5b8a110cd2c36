// common/: a path id that, when it is not one, answers 400 naming the parameter like any other field.
import { BadRequestException, Param, ParseIntPipe } from '@nestjs/common';

export const IdParam = (name: string) =>
  Param(name, new ParseIntPipe({ exceptionFactory: () => new BadRequestException({ message: `${name}: must be an integer id`, details: [{ field: name, messages: ['must be an integer id'] }] }) }));
