import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  alreadyExists,
  errorCodeOf,
  failedPrecondition,
  invalidArgument,
  notFound,
  requireId,
  RoomcastError,
  toServiceError,
} from '../src/index.js';

const silent = pino({ level: 'silent' });

function roundTrip(caught: unknown) {
  const error = toServiceError(caught, silent);
  const asClientSees = Object.assign(new Error(error.details), error) as ServiceError;
  return { code: error.code, message: error.details, reason: errorCodeOf(asClientSees) };
}

describe('errors', () => {
  it.each([
    [invalidArgument('BAD', 'bad input'), status.INVALID_ARGUMENT],
    [notFound('GONE', 'not here'), status.NOT_FOUND],
    [alreadyExists('TAKEN', 'taken'), status.ALREADY_EXISTS],
    [failedPrecondition('ENDED', 'ended'), status.FAILED_PRECONDITION],
    [new RoomcastError('exhausted', 'SLOW', 'slow down'), status.RESOURCE_EXHAUSTED],
  ])('errors - maps %s to its one gRPC status and keeps the code', (error, code) => {
    expect(roundTrip(error)).toEqual({ code, message: error.message, reason: error.code });
  });

  it('errors - hides an unexpected throw behind INTERNAL with a safe message', () => {
    expect(roundTrip(new Error('password=hunter2 leaked'))).toEqual({
      code: status.INTERNAL,
      message: 'internal error',
      reason: 'INTERNAL',
    });
  });

  it('errors - keeps non-ASCII text in messages', () => {
    expect(roundTrip(notFound('ROOM_NOT_FOUND', 'room «café ☕» is gone')).message).toBe(
      'room «café ☕» is gone',
    );
  });

  it('errors - reads no code from an error without details', () => {
    const plain = Object.assign(new Error('x'), {
      code: 14,
      details: 'x',
      metadata: new Metadata(),
    });
    expect(errorCodeOf(plain as ServiceError)).toBeUndefined();
  });

  it.each(['0', '-1', '1.5', 'abc', '9223372036854775808', ''])(
    'errors - requireId refuses "%s"',
    (value) => {
      expect(() => requireId(value, 'room_id')).toThrow(/room_id must be a positive 64-bit id/);
    },
  );

  it('errors - requireId keeps the largest 64-bit id as a string', () => {
    expect(requireId('9223372036854775807', 'room_id')).toBe('9223372036854775807');
  });
});
