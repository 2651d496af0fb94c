import { invalidArgument } from './errors.js';

/** Page tokens are opaque to clients: the last id of the previous page, base64url-encoded. */
export function encodePageToken(lastId: string): string {
  return Buffer.from(`after:${lastId}`).toString('base64url');
}

export function decodePageToken(token: string): string {
  if (!token) return '0';
  const decoded = Buffer.from(token, 'base64url').toString();
  const match = /^after:(\d{1,19})$/.exec(decoded);
  if (!match?.[1])
    throw invalidArgument(
      'INVALID_PAGE_TOKEN',
      'page_token is not one this API issued',
      'page_token',
    );
  return match[1];
}

/** page_size 0 means the default; anything outside 0..max is refused. */
export function pageSize(requested: number, options: { default: number; max: number }): number {
  if (requested === 0) return options.default;
  if (requested < 0 || requested > options.max) {
    throw invalidArgument(
      'INVALID_PAGE_SIZE',
      `page_size must be between 1 and ${options.max}, got ${requested}`,
      'page_size',
    );
  }
  return requested;
}

/** A 64-bit id field that must be set: a positive whole number, kept as a string. */
export function requireId(value: string, field: string): string {
  if (!/^[1-9]\d{0,18}$/.test(value) || BigInt(value) > 9_223_372_036_854_775_807n) {
    throw invalidArgument(
      'INVALID_ID',
      `${field} must be a positive 64-bit id, got "${value}"`,
      field,
    );
  }
  return value;
}
