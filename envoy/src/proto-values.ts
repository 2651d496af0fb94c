/**
 * The proto3 JSON mapping of scalar fields and well-known types, as Envoy's config parser
 * applies it: what each proto type accepts in YAML, and a sentence when a value does not fit.
 */

const INTEGER_RANGES: Record<string, { min: bigint; max: bigint; signed64?: boolean }> = {
  int32: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  sint32: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  sfixed32: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  uint32: { min: 0n, max: 2n ** 32n - 1n },
  fixed32: { min: 0n, max: 2n ** 32n - 1n },
  int64: { min: -(2n ** 63n), max: 2n ** 63n - 1n, signed64: true },
  sint64: { min: -(2n ** 63n), max: 2n ** 63n - 1n, signed64: true },
  sfixed64: { min: -(2n ** 63n), max: 2n ** 63n - 1n, signed64: true },
  uint64: { min: 0n, max: 2n ** 64n - 1n, signed64: true },
  fixed64: { min: 0n, max: 2n ** 64n - 1n, signed64: true },
};

/** The scalar a wrapper type holds, for example UInt32Value holds a uint32. */
const WRAPPERS: Record<string, string> = {
  'google.protobuf.DoubleValue': 'double',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
};

const DURATION = /^-?\d+(\.\d{1,9})?s$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Checks a value of a scalar proto type (`string`, `uint32`, `bytes`...).
 * @returns a sentence describing the mismatch, or undefined when the value fits.
 */
export function checkScalar(protoType: string, value: unknown): string | undefined {
  switch (protoType) {
    case 'string':
      return typeof value === 'string' ? undefined : `expected a string, got ${describe(value)}`;
    case 'bool':
      return typeof value === 'boolean'
        ? undefined
        : `expected true or false, got ${describe(value)}`;
    case 'bytes':
      return typeof value === 'string' && BASE64.test(value)
        ? undefined
        : `expected base64 bytes, got ${describe(value)}`;
    case 'double':
    case 'float':
      return typeof value === 'number' ? undefined : `expected a number, got ${describe(value)}`;
    default:
      return checkInteger(protoType, value);
  }
}

/**
 * Checks a value of a well-known type that has a special JSON form (Duration as `"15s"`,
 * wrappers as their bare scalar, Struct as any object).
 * @returns undefined when `typeName` is not such a type; '' when the value fits; otherwise a
 *   sentence describing the mismatch.
 */
export function checkWellKnown(typeName: string, value: unknown): string | undefined {
  const wrapped = WRAPPERS[typeName];
  if (wrapped) return checkScalar(wrapped, value) ?? '';

  const form = SPECIAL_FORMS[typeName];
  if (!form) return undefined;
  return form.fits(value) ? '' : `expected ${form.expected}, got ${describe(value)}`;
}

/** Well-known types whose JSON is not an object of their fields. */
const SPECIAL_FORMS: Record<string, { expected: string; fits: (value: unknown) => boolean }> = {
  'google.protobuf.Duration': {
    expected: 'a duration such as "15s"',
    fits: (value) => typeof value === 'string' && DURATION.test(value),
  },
  'google.protobuf.Timestamp': { expected: 'a string', fits: (value) => typeof value === 'string' },
  'google.protobuf.FieldMask': { expected: 'a string', fits: (value) => typeof value === 'string' },
  'google.protobuf.Struct': { expected: 'an object', fits: isObject },
  'google.protobuf.ListValue': { expected: 'a list', fits: Array.isArray },
  'google.protobuf.Value': { expected: 'any value', fits: () => true },
  'google.protobuf.Empty': {
    expected: '{}',
    fits: (value) => isObject(value) && Object.keys(value).length === 0,
  },
};

/** A value as a problem sentence shows it: its JSON, shortened, or its kind. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';

  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}

function checkInteger(protoType: string, value: unknown): string | undefined {
  const range = INTEGER_RANGES[protoType];
  if (!range) return `unsupported proto type ${protoType}`;

  // proto3 JSON allows 64-bit integers as decimal strings, since a JSON number may lose digits.
  const integer =
    typeof value === 'number' && Number.isInteger(value)
      ? BigInt(value)
      : range.signed64 && typeof value === 'string' && /^-?\d+$/.test(value)
        ? BigInt(value)
        : undefined;
  if (integer === undefined) return `expected a ${protoType} integer, got ${describe(value)}`;
  if (integer < range.min || integer > range.max) {
    return `${describe(value)} is out of range for ${protoType}`;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
