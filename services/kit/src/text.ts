import { invalidArgument } from './errors.js';

// NUL cannot be stored in PostgreSQL text or jsonb, and a lone UTF-16 surrogate is not a
// character at all: either would make a stored row impossible to write.
// eslint-disable-next-line no-control-regex -- matching NUL is the point of this pattern.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when text can be stored and sent exactly as it is. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** Refuses text with a NUL character or a broken surrogate pair, naming the field. */
export function requireStorableText(text: string, field: string): string {
  if (!isStorableText(text)) {
    throw invalidArgument(
      'INVALID_TEXT',
      `${field} contains a NUL character or a broken surrogate pair`,
      field,
    );
  }
  return text;
}
