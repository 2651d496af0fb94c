/**
 * The REST rules of the transcoded services, read from the descriptor set the transcoder uses:
 * for every RPC with a `google.api.http` rule, the method, the path as a Lua pattern, the fields
 * its path binds, and (for rules with a body) the fields each body message may carry.
 *
 * The transcoder drops a JSON field its message does not have and forwards the rest, so a typo
 * (`displayname`) would succeed silently; it also lets a query parameter overwrite a field the
 * path bound (`/v1/users/1?userId=2` reads user 2). The request check (body-check.ts) refuses
 * both with this, and answers 405 for a known path called with a method it does not have.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { includeDirs } from './envoy-protos.js';

/** A REST method of a transcoded service. */
export interface RestRule {
  method: string;
  /** Lua pattern of the path (no query string), anchored at both ends. */
  pathPattern: string;
  /**
   * The request fields the path binds, by JSON and proto name alike (`userId`, `user_id`): a
   * query parameter naming one is refused rather than let overwrite the path's value.
   */
  pathFields: string[];
  /** The message a JSON body is parsed into; absent when the rule takes no body. */
  message?: string;
}

/**
 * Per message, the keys a JSON object of it may have (JSON and proto field names alike): the
 * name of the field's message when it is one to check inside, or `true` for any value.
 */
export type MessageFields = Record<string, Record<string, string | true>>;

export interface BodySchema {
  rules: RestRule[];
  messages: MessageFields;
}

interface FieldProto {
  name: string;
  jsonName?: string;
  type: string;
  typeName?: string;
}
interface MessageProto {
  name: string;
  field?: FieldProto[];
  nestedType?: MessageProto[];
  options?: { mapEntry?: boolean };
}
interface HttpRule {
  get?: string;
  put?: string;
  post?: string;
  delete?: string;
  patch?: string;
  body?: string;
}
interface FileProto {
  package?: string;
  messageType?: MessageProto[];
  service?: Array<{
    name: string;
    method?: Array<{ inputType: string; options?: { '.google.api.http'?: HttpRule } }>;
  }>;
}

/** Reads the REST rules and body schema of the given services from a binary FileDescriptorSet. */
export function readBodySchema(descriptorSet: Uint8Array, services: readonly string[]): BodySchema {
  const files = decodeFiles(descriptorSet);
  const messages = new Map<string, MessageProto>();
  for (const file of files) indexMessages(file.messageType ?? [], file.package ?? '', messages);

  const rules: RestRule[] = [];
  const wanted = new Set<string>();
  for (const file of files) {
    for (const service of file.service ?? []) {
      if (!services.includes(`${file.package}.${service.name}`)) continue;
      for (const method of service.method ?? []) {
        const rule = restRule(method.inputType.slice(1), method.options?.['.google.api.http']);
        if (!rule) continue;
        rules.push(rule);
        if (rule.message) wanted.add(rule.message);
      }
    }
  }

  return { rules, messages: fieldsOf(wanted, messages) };
}

function decodeFiles(descriptorSet: Uint8Array): FileProto[] {
  const root = new protobuf.Root();
  const dirs = includeDirs();
  root.resolvePath = (_origin, target) =>
    dirs.map((dir) => join(dir, target)).find((path) => existsSync(path)) ?? target;
  // Field names come out in camelCase either way: protobufjs serves descriptor.proto from its own
  // bundled copy (camelCase) once anything in the process loaded protobufjs/ext/descriptor.
  root.loadSync(['google/protobuf/descriptor.proto', 'google/api/annotations.proto']);
  root.resolveAll();

  const type = root.lookupType('google.protobuf.FileDescriptorSet');
  const set = type.toObject(type.decode(descriptorSet), { enums: String }) as { file: FileProto[] };
  return set.file;
}

function indexMessages(list: MessageProto[], scope: string, into: Map<string, MessageProto>): void {
  for (const message of list) {
    const name = `${scope}.${message.name}`;
    into.set(name, message);
    indexMessages(message.nestedType ?? [], name, into);
  }
}

function restRule(input: string, http: HttpRule | undefined): RestRule | undefined {
  if (!http) return undefined;
  const verbs = ['get', 'put', 'post', 'delete', 'patch'] as const;
  const verb = verbs.find((name) => http[name]);
  if (!verb) return undefined;

  const template = http[verb] ?? '';
  const rule: RestRule = {
    method: verb.toUpperCase(),
    pathPattern: luaPathPattern(template),
    pathFields: pathFields(template),
  };
  // `body: "field"` would parse the body into that field; our API only uses `body: "*"`.
  if (http.body === '*') rule.message = input;
  return rule;
}

/**
 * The fields a path template binds, each by proto name and by its lowerCamel JSON name:
 * `/v1/rooms/{room_id}/x/{owner.user_id}` → `room_id`, `roomId`, `owner.user_id`, `owner.userId`.
 */
export function pathFields(template: string): string[] {
  const names = [...template.matchAll(/\{([^}=]+)(=[^}]*)?\}/g)].map((match) => match[1]);
  const both = names.flatMap((name) => [name, name.split('.').map(jsonName).join('.')]);
  return [...new Set(both)];
}

/** protoc's JSON name of a field: underscores dropped, the letter after each one upper-cased. */
function jsonName(protoName: string): string {
  return protoName.replace(/_+([a-zA-Z0-9])?/g, (_, next: string | undefined) =>
    next ? next.toUpperCase() : '',
  );
}

/**
 * `/v1/sessions/{session_id}:end` → `^/v1/sessions/[^/:]+%:end$`. A variable in the last segment
 * stops at `:`, which starts a custom verb there (`/v1/users/1:explode` is not GetUser).
 */
export function luaPathPattern(template: string): string {
  const [path, verb] = splitVerb(template);
  const parts = path.split('/');
  const segments = parts.map((segment, index) => {
    if (/^\{[^=}]+(=\*)?\}$/.test(segment)) return index === parts.length - 1 ? '[^/:]+' : '[^/]+';
    if (/^\{.*\}$/.test(segment)) return '.+';
    return luaEscape(segment);
  });
  return `^${segments.join('/')}${verb ? `%:${luaEscape(verb)}` : ''}$`;
}

function splitVerb(template: string): [string, string | undefined] {
  const lastSlash = template.lastIndexOf('/');
  const colon = template.indexOf(':', lastSlash);
  return colon === -1
    ? [template, undefined]
    : [template.slice(0, colon), template.slice(colon + 1)];
}

function luaEscape(literal: string): string {
  return literal.replace(/[%^$().[\]*+\-?]/g, (char) => `%${char}`);
}

/** The fields of the wanted messages and of every message they contain. */
function fieldsOf(wanted: Set<string>, messages: Map<string, MessageProto>): MessageFields {
  const result: MessageFields = {};
  const queue = [...wanted];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    const message = messages.get(name);
    if (!message || result[name]) continue;

    const fields: Record<string, string | true> = {};
    for (const field of message.field ?? []) {
      const nested = checkedMessage(field, messages);
      if (nested) queue.push(nested);
      fields[field.name] = nested ?? true;
      if (field.jsonName) fields[field.jsonName] = nested ?? true;
    }
    result[name] = fields;
  }
  return result;
}

/**
 * The message to check inside a field: one of ours, not a map (any keys) nor a well-known type
 * (a Timestamp is a string in JSON, a Struct is any object).
 */
function checkedMessage(
  field: FieldProto,
  messages: Map<string, MessageProto>,
): string | undefined {
  if (field.type !== 'TYPE_MESSAGE' || !field.typeName) return undefined;
  const name = field.typeName.slice(1);
  if (name.startsWith('google.protobuf.')) return undefined;
  return messages.get(name)?.options?.mapEntry ? undefined : name;
}
