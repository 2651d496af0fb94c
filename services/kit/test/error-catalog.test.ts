import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The error codes the services raise and the ones docs/errors.md lists must be the same. */

const root = fileURLToPath(new URL('../../../', import.meta.url));

const STATUS_OF_HELPER: Record<string, string> = {
  invalidArgument: 'INVALID_ARGUMENT',
  notFound: 'NOT_FOUND',
  alreadyExists: 'ALREADY_EXISTS',
  failedPrecondition: 'FAILED_PRECONDITION',
  invalid: 'INVALID_ARGUMENT',
  exists: 'ALREADY_EXISTS',
  precondition: 'FAILED_PRECONDITION',
  exhausted: 'RESOURCE_EXHAUSTED',
  unavailable: 'UNAVAILABLE',
};

function raisedCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  const sources = readdirSync(`${root}services`, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.includes('/src/') && path.endsWith('.ts'))
    .map((path) => readFileSync(`${root}services/${path}`, 'utf8'));

  const patterns = [
    /\b(invalidArgument|notFound|alreadyExists|failedPrecondition)\(\s*'([A-Z][A-Z0-9_]+)'/g,
    /new RoomcastError\(\s*'(\w+)',\s*'([A-Z][A-Z0-9_]+)'/g,
  ];
  for (const source of sources) {
    for (const pattern of patterns) {
      for (const [, helper, code] of source.matchAll(pattern)) {
        codes.set(code!, STATUS_OF_HELPER[helper!] ?? `unknown helper ${helper}`);
      }
    }
  }
  return codes;
}

function documentedCodes(): Map<string, string> {
  const table = readFileSync(`${root}docs/errors.md`, 'utf8');
  const rows = table.matchAll(/^\| ([A-Z][A-Z0-9_]+) \| ([A-Z_]+) \|/gm);
  return new Map([...rows].map(([, code, status]) => [code!, status!]));
}

describe('error catalog', () => {
  it('error catalog - docs/errors.md lists every code the services raise, with its status', () => {
    const raised = raisedCodes();
    expect(raised.size).toBeGreaterThan(20);
    expect(Object.fromEntries(documentedCodes())).toEqual(Object.fromEntries(raised));
  });
});
