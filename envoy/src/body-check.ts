/**
 * The Lua filter that checks REST requests before the transcoder: unknown JSON fields in bodies
 * (lua/body-fields.lua), query parameters that would overwrite a path field, methods a known path
 * does not take, and gRPC content types from clients that are not gRPC (lua/request-check.lua).
 * The REST rules and body schema of the transcoded services are prepended as Lua tables.
 */
import { readFileSync } from 'node:fs';
import type { BodySchema } from './body-schema.js';
import { GRPC_REFUSED_MESSAGE, REASON_NAMESPACE } from './error-bodies.js';

const SCRIPTS = ['./lua/body-fields.lua', './lua/request-check.lua'].map(
  (path) => new URL(path, import.meta.url),
);

/** The Lua source of the request check for this schema. */
export function bodyCheckLua(schema: BodySchema): string {
  const data = [
    '-- Generated from the descriptor set by envoy/src/body-check.ts.',
    `local RULES = ${luaLiteral(schema.rules)}`,
    `local MESSAGES = ${luaLiteral(schema.messages)}`,
    `local REFUSED_GRPC_MESSAGE = ${luaLiteral(GRPC_REFUSED_MESSAGE)}`,
    `local REASON_NAMESPACE = ${luaLiteral(REASON_NAMESPACE)}`,
  ].join('\n');
  const scripts = SCRIPTS.map((url) => readFileSync(url, 'utf8'));
  return [data, ...scripts].join('\n\n');
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
