/**
 * The Lua filter that refuses unknown JSON fields in REST bodies: the scanner in
 * lua/body-fields.lua with the body schema of the transcoded services prepended as Lua tables.
 */
import { readFileSync } from 'node:fs';
import type { BodySchema } from './body-schema.js';

const SCANNER = new URL('./lua/body-fields.lua', import.meta.url);

/** The Lua source of the body check for this schema. */
export function bodyCheckLua(schema: BodySchema): string {
  const data = [
    '-- Generated from the descriptor set by envoy/src/body-check.ts.',
    `local RULES = ${luaLiteral(schema.rules)}`,
    `local MESSAGES = ${luaLiteral(schema.messages)}`,
  ].join('\n');
  return `${data}\n\n${readFileSync(SCANNER, 'utf8')}`;
}

/** A JSON-like value as a Lua table constructor. */
function luaLiteral(value: unknown): string {
  if (value === true || value === false) return String(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `{ ${value.map(luaLiteral).join(', ')} }`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(
      ([key, entry]) => `[${JSON.stringify(key)}] = ${luaLiteral(entry)}`,
    );
    return `{ ${entries.join(', ')} }`;
  }
  throw new TypeError(`cannot write ${typeof value} as Lua`);
}
