/**
 * Holds a config object (in the proto3 JSON shape Envoy's YAML uses) against Envoy's protos and
 * names every field that Envoy would not parse: unknown fields, wrong types, unknown enum values,
 * two members of one oneof, deprecated fields. `Any` values (`typed_config` and friends) are
 * followed into the message their `@type` names, so filters and extensions are checked too.
 *
 * Envoy's validation rules (required fields, ranges) are left to `envoy --mode validate`, which
 * the tests run on the rendered YAML.
 */
import protobuf from 'protobufjs';
import { envoyProtos, type EnvoyProtos } from './envoy-protos.js';
import { checkScalar, checkWellKnown, describe } from './proto-values.js';

/** Thrown when a config does not match Envoy's protos; `problems` has one line per field. */
export class EnvoyConfigCheckError extends Error {
  readonly code = 'ENVOY_CONFIG_INVALID';
  readonly problems: readonly string[];

  constructor(typeName: string, problems: readonly string[]) {
    super(`config does not match ${typeName}:\n  ${problems.join('\n  ')}`);
    this.name = 'EnvoyConfigCheckError';
    this.problems = problems;
  }
}

/**
 * Checks `value` as a message of type `typeName`.
 * @returns one line per problem, each starting with the path of the offending field
 *   (`static_resources.clusters[0].connect_timeout: ...`); empty when the config matches.
 */
export function protoProblems(
  typeName: string,
  value: unknown,
  protos: EnvoyProtos = envoyProtos(),
): string[] {
  const type = protos.messageType(typeName);
  if (!type) return [`<root>: no message type ${typeName} in Envoy's protos`];

  const problems: string[] = [];
  new Walker(protos, problems).message(type, value, '');
  return problems;
}

/** Like `protoProblems`, but throws EnvoyConfigCheckError when there is any problem. */
export function assertMatchesProtos(typeName: string, value: unknown, protos?: EnvoyProtos): void {
  const problems = protoProblems(typeName, value, protos);
  if (problems.length > 0) throw new EnvoyConfigCheckError(typeName, problems);
}

class Walker {
  constructor(
    private readonly protos: EnvoyProtos,
    private readonly problems: string[],
  ) {}

  message(type: protobuf.Type, value: unknown, path: string): void {
    const wellKnown = checkWellKnown(type.fullName.slice(1), value);
    if (wellKnown !== undefined) {
      if (wellKnown !== '') this.report(path, wellKnown);
      return;
    }
    if (type.fullName === '.google.protobuf.Any') return this.any(value, path);
    if (!isPlainObject(value)) {
      return this.report(path, `expected a ${type.name} object, got ${describe(value)}`);
    }

    this.fields(type, value, path);
  }

  private fields(type: protobuf.Type, value: Record<string, unknown>, path: string): void {
    for (const [key, fieldValue] of Object.entries(value)) {
      if (fieldValue === undefined) continue;
      const field = type.fields[key];
      const fieldPath = path === '' ? key : `${path}.${key}`;
      if (!field) {
        this.report(fieldPath, `unknown field of ${type.fullName.slice(1)}${hint(type, key)}`);
        continue;
      }
      if (field.options?.deprecated === true) {
        this.report(fieldPath, 'deprecated field; Envoy may refuse it');
      }
      this.field(field, fieldValue, fieldPath);
    }

    for (const oneof of type.oneofsArray) {
      const set = oneof.oneof.filter((name) => value[name] !== undefined);
      if (set.length > 1) this.report(path, `only one of ${set.join(', ')} may be set`);
    }
  }

  private field(field: protobuf.Field, value: unknown, path: string): void {
    if (value === null) return this.report(path, 'null; leave the field out instead');

    if (field instanceof protobuf.MapField) {
      if (!isPlainObject(value)) return this.report(path, `expected a map, got ${describe(value)}`);
      for (const [key, entry] of Object.entries(value)) this.single(field, entry, `${path}.${key}`);
      return;
    }
    if (field.repeated) {
      if (!Array.isArray(value))
        return this.report(path, `expected a list, got ${describe(value)}`);
      value.forEach((item, index) => this.single(field, item, `${path}[${index}]`));
      return;
    }
    this.single(field, value, path);
  }

  private single(field: protobuf.Field, value: unknown, path: string): void {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) return this.message(resolved, value, path);
    if (resolved instanceof protobuf.Enum) return this.enumValue(resolved, value, path);

    const problem = checkScalar(field.type, value);
    if (problem) this.report(path, problem);
  }

  private enumValue(type: protobuf.Enum, value: unknown, path: string): void {
    const known =
      typeof value === 'string'
        ? Object.hasOwn(type.values, value)
        : typeof value === 'number' && Object.hasOwn(type.valuesById, value);
    if (known) return;

    const names = Object.keys(type.values).join(', ');
    this.report(path, `${describe(value)} is not a ${type.name} (one of ${names})`);
  }

  /** An Any: the `@type` URL names the message that the other keys must match. */
  private any(value: unknown, path: string): void {
    if (!isPlainObject(value)) return this.report(path, `expected an Any, got ${describe(value)}`);
    const typeUrl = value['@type'];
    if (typeof typeUrl !== 'string') return this.report(path, 'an Any needs an "@type" string');

    const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
    const type = this.protos.messageType(typeName);
    if (!type) return this.report(`${path}[@type]`, `no message ${typeName} in Envoy's protos`);

    const fields = Object.fromEntries(Object.entries(value).filter(([key]) => key !== '@type'));
    this.message(type, fields, `${path}<${type.name}>`);
  }

  private report(path: string, problem: string): void {
    this.problems.push(`${path === '' ? '<root>' : path}: ${problem}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A "did you mean" for a misspelt field: the known field fewest edits away, if close. */
function hint(type: protobuf.Type, key: string): string {
  let best: { name: string; distance: number } | undefined;
  for (const name of Object.keys(type.fields)) {
    const distance = editDistance(key, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= 2 ? ` (did you mean "${best.name}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
