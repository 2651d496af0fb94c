/**
 * Envoy's own API protos, loaded with protobufjs from the copy @grpc/grpc-js-xds bundles, so the
 * gateway config is checked against the same definitions Envoy is built from.
 *
 * Only the bootstrap and what it imports are loaded up front. An `Any` names its message by type
 * URL; the package of that message is loaded on first use (every .proto in its folder), which
 * covers filters and extensions the bootstrap never imports.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

const BOOTSTRAP_FILE = 'envoy/config/bootstrap/v3/bootstrap.proto';

/** Where `import "..."` lines are looked up, in order. */
export function includeDirs(): string[] {
  const require = createRequire(import.meta.url);
  const xds = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const protobufjs = dirname(require.resolve('protobufjs/package.json'));
  const bundled = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'];

  // protobufjs ships google/protobuf/descriptor.proto, which the validate annotations import.
  return [...bundled.map((folder) => join(xds, 'deps', folder)), protobufjs];
}

/** Envoy's API as a protobufjs root that grows as `Any` payloads name new packages. */
export class EnvoyProtos {
  readonly root: protobuf.Root;
  private readonly dirs: string[];
  private readonly loadedPackages = new Set<string>();

  constructor(dirs: string[] = includeDirs()) {
    this.dirs = dirs;
    this.root = new protobuf.Root();
    this.root.resolvePath = (_origin, target) => this.locate(target) ?? target;
    this.load([BOOTSTRAP_FILE]);
  }

  /** The message type with this full name (`envoy.config.bootstrap.v3.Bootstrap`), if any. */
  messageType(fullName: string): protobuf.Type | undefined {
    const found = this.lookup(fullName);
    if (found) return found;

    const files = this.packageFiles(packageOf(fullName));
    if (files.length === 0) return undefined;
    this.load(files);
    return this.lookup(fullName);
  }

  private lookup(fullName: string): protobuf.Type | undefined {
    const found = this.root.lookup(fullName);
    return found instanceof protobuf.Type ? found : undefined;
  }

  private load(files: string[]): void {
    this.root.loadSync(files, { keepCase: true });
    this.root.resolveAll();
  }

  /** The .proto files of a package not loaded before, as include-relative paths. */
  private packageFiles(packageName: string): string[] {
    if (this.loadedPackages.has(packageName)) return [];
    this.loadedPackages.add(packageName);

    const folder = packageName.split('.').join('/');
    const dir = this.dirs.find((root) => existsSync(join(root, folder)));
    if (!dir) return [];
    return readdirSync(join(dir, folder))
      .filter((name) => name.endsWith('.proto'))
      .map((name) => `${folder}/${name}`);
  }

  private locate(target: string): string | undefined {
    for (const dir of this.dirs) {
      const path = join(dir, target);
      if (existsSync(path)) return path;
    }
    return undefined;
  }
}

/**
 * The proto package of a message's full name: the leading lowercase segments, since Envoy's
 * packages are lowercase and its messages (and nested messages) start with a capital.
 */
function packageOf(fullName: string): string {
  const segments = fullName.split('.');
  const firstMessage = segments.findIndex((segment) => /^[A-Z]/.test(segment));
  return segments.slice(0, firstMessage === -1 ? segments.length : firstMessage).join('.');
}

let shared: EnvoyProtos | undefined;

/** One loaded copy per process: loading the bootstrap's import graph takes about half a second. */
export function envoyProtos(): EnvoyProtos {
  shared ??= new EnvoyProtos();
  return shared;
}
