/**
 * The Roomcast Helm chart: lint, rendering, the values schema, and the real API server's
 * verdict on every manifest (server-side dry run, then `helm install` and RBAC checks).
 */
import { fileURLToPath } from 'node:url';

import { startControlPlane, type ControlPlane } from '@roomcast/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const CHART = fileURLToPath(new URL('../../charts/roomcast', import.meta.url));
const RELEASE = 'rc';
const NAMESPACE = 'roomcast';
const PREFIX = `${RELEASE}-roomcast`;
const SERVICES = ['user', 'room', 'session', 'event', 'aggregation', 'realtime', 'adapter'];
const START_TIMEOUT_MS = 180_000;
const TEST_TIMEOUT_MS = 120_000;

/** Everything optional switched on, to check that those templates are valid too. */
const ALL_OPTIONS = [
  ...['--set', 'networkPolicy.enabled=true', '--set', 'networkPolicy.metricsNamespace=monitoring'],
  ...['--set', 'serviceMonitor.enabled=true', '--set', 'imagePullSecrets[0]=pull-secret'],
];

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML is untyped
  spec?: Record<string, any>;
}

let controlPlane: ControlPlane;

async function helm(args: string[]): Promise<string> {
  const result = await controlPlane.helm(args);
  if (result.exitCode !== 0) throw new Error(`helm ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

async function kubectl(args: string[], input?: string): Promise<string> {
  const result = await controlPlane.kubectl(args, { input });
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

async function render(extraArgs: string[] = []): Promise<Manifest[]> {
  const out = await helm(['template', RELEASE, CHART, '-n', NAMESPACE, ...extraArgs]);
  return parseAllDocuments(out)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`rendered chart has no ${kind} ${name}`);
  return found;
}

/** A stand-in for the Prometheus Operator's CRD, so ServiceMonitors can be dry-run. */
const SERVICE_MONITOR_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'servicemonitors.monitoring.coreos.com' },
  spec: {
    group: 'monitoring.coreos.com',
    scope: 'Namespaced',
    names: { kind: 'ServiceMonitor', plural: 'servicemonitors', singular: 'servicemonitor' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    ],
  },
};

beforeAll(async () => {
  controlPlane = await startControlPlane();
  await kubectl(['create', 'namespace', NAMESPACE]);
  await kubectl(['apply', '-f', '-'], JSON.stringify(SERVICE_MONITOR_CRD));
  await kubectl([
    'wait',
    '--for=condition=Established',
    'crd/servicemonitors.monitoring.coreos.com',
  ]);
}, START_TIMEOUT_MS);

afterAll(async () => {
  await controlPlane?.stop();
});

describe('helm chart - static checks', () => {
  it(
    'helm lint --strict passes with defaults and with every option on',
    async () => {
      expect(await helm(['lint', '--strict', CHART])).toContain('0 chart(s) failed');
      expect(await helm(['lint', '--strict', CHART, ...ALL_OPTIONS])).toContain(
        '0 chart(s) failed',
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'helm template renders the services, Envoy, the operator and bundled infrastructure',
    async () => {
      const manifests = await render();
      const names = (kind: string) =>
        manifests
          .filter((m) => m.kind === kind)
          .map((m) => m.metadata.name)
          .sort();

      const components = [...SERVICES, 'envoy', 'operator'].map((c) => `${PREFIX}-${c}`).sort();
      expect(names('Deployment')).toEqual(components);
      expect(names('StatefulSet')).toEqual(
        ['nats', 'postgresql', 'redis'].map((c) => `${PREFIX}-${c}`),
      );
      expect(names('PodDisruptionBudget')).toEqual(components);
      expect(names('ConfigMap')).toEqual([`${PREFIX}-envoy`]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'services - have gRPC readiness, liveness off shared infrastructure and locked-down pods',
    async () => {
      const manifests = await render();

      for (const service of SERVICES) {
        const pod = find(manifests, 'Deployment', `${PREFIX}-${service}`).spec!.template.spec;
        const [container] = pod.containers;
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(container.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.readinessProbe.grpc).toEqual({ port: 50051 });
        expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'metrics' });
        expect(container.resources.requests).toBeDefined();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'services - get their ports, connections and callees as environment variables',
    async () => {
      const manifests = await render();
      const env = (service: string): Record<string, unknown> => {
        const [container] = find(manifests, 'Deployment', `${PREFIX}-${service}`).spec!.template
          .spec.containers;
        return Object.fromEntries(
          container.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [
            e.name,
            e.value ?? e.valueFrom,
          ]),
        );
      };

      expect(env('user')).toMatchObject({ GRPC_PORT: '50051', METRICS_PORT: '9464' });
      expect(env('user')).toHaveProperty('DATABASE_URL');
      expect(env('user')).not.toHaveProperty('NATS_URL');
      expect(env('session')).toMatchObject({ ROOM_SERVICE_ADDR: `${PREFIX}-room:50051` });
      expect(env('session')).toHaveProperty('REDIS_URL');
      expect(env('aggregation')).toMatchObject({ SESSION_SERVICE_ADDR: `${PREFIX}-session:50051` });
      expect(env('realtime')).toMatchObject({
        SESSION_SERVICE_ADDR: `${PREFIX}-session:50051`,
        EVENT_SERVICE_ADDR: `${PREFIX}-event:50051`,
      });
      expect(env('realtime')).not.toHaveProperty('DATABASE_URL');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'realtime - the chart leaves replicas to the operator',
    async () => {
      const manifests = await render();

      expect(find(manifests, 'Deployment', `${PREFIX}-realtime`).spec).not.toHaveProperty(
        'replicas',
      );
      expect(find(manifests, 'Deployment', `${PREFIX}-user`).spec).toHaveProperty('replicas', 2);
      const ports = find(manifests, 'Service', `${PREFIX}-realtime`).spec!.ports;
      expect(ports.map((p: { name: string }) => p.name)).toEqual(['grpc', 'metrics', 'websocket']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'external infrastructure - no StatefulSets, URLs read from the named Secret',
    async () => {
      const manifests = await render([
        ...[
          '--set',
          'postgresql.mode=external',
          '--set',
          'postgresql.external.existingSecret.name=pg',
        ],
        ...['--set', 'nats.mode=external', '--set', 'nats.external.url=nats://nats.example:4222'],
        ...[
          '--set',
          'redis.mode=external',
          '--set',
          'redis.external.url=redis://redis.example:6379',
        ],
      ]);

      expect(manifests.filter((m) => m.kind === 'StatefulSet')).toEqual([]);
      const [container] = find(manifests, 'Deployment', `${PREFIX}-user`).spec!.template.spec
        .containers;
      const databaseUrl = container.env.find((e: { name: string }) => e.name === 'DATABASE_URL');
      expect(databaseUrl.valueFrom.secretKeyRef).toEqual({ name: 'pg', key: 'DATABASE_URL' });
    },
    TEST_TIMEOUT_MS,
  );

  const refusals = [
    { why: 'a misspelt key', set: 'envoy.replcas=3', message: "additional properties 'replcas'" },
    {
      why: 'replicas on realtime',
      set: 'services.realtime.replicas=3',
      message: "additional properties 'replicas' not allowed",
    },
    { why: 'an unknown log level', set: 'logLevel=verbose', message: '/logLevel' },
    { why: 'an unknown infrastructure mode', set: 'redis.mode=managed', message: '/redis/mode' },
    {
      why: 'external mode with nothing to connect to',
      set: 'nats.mode=external',
      message: 'nats.mode is external: set nats.external.url or nats.external.existingSecret.name',
    },
  ];

  it.each(refusals)(
    'values - $why is refused',
    async ({ set, message }) => {
      const result = await controlPlane.helm(['template', RELEASE, CHART, '--set', set]);

      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain(message);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('helm chart - against the API server', () => {
  it.each([
    { values: 'defaults', args: [] as string[] },
    { values: 'every option on', args: ALL_OPTIONS },
  ])(
    'server-side dry run accepts every manifest with $values',
    async ({ args }) => {
      const out = await helm([
        'template',
        RELEASE,
        CHART,
        '-n',
        NAMESPACE,
        '--include-crds',
        ...args,
      ]);

      const result = await controlPlane.kubectl(
        ['apply', '--dry-run=server', '-n', NAMESPACE, '-f', '-'],
        { input: out },
      );

      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'helm install succeeds and the chart does not own realtime replicas',
    async () => {
      await helm(['install', RELEASE, CHART, '-n', NAMESPACE]);

      const realtime = JSON.parse(
        await kubectl([
          'get',
          'deployment',
          `${PREFIX}-realtime`,
          '-n',
          NAMESPACE,
          '-o',
          'json',
          '--show-managed-fields',
        ]),
      );
      const helmFields = realtime.metadata.managedFields.filter(
        (entry: { manager: string }) => entry.manager === 'helm',
      );
      expect(helmFields.length).toBeGreaterThan(0);
      for (const entry of helmFields)
        expect(entry.fieldsV1['f:spec']).not.toHaveProperty('f:replicas');
      expect(await kubectl(['get', 'crd', 'rooms.roomcast.dev', '-o', 'name'])).toContain('rooms');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'operator RBAC - grants what the operator needs and nothing more',
    async () => {
      const as = `system:serviceaccount:${NAMESPACE}:${PREFIX}-operator`;
      const canI = async (...args: string[]) => {
        const result = await controlPlane.kubectl(['auth', 'can-i', `--as=${as}`, ...args]);
        return result.stdout.trim();
      };

      expect(
        await canI('patch', 'rooms.roomcast.dev', '--subresource=status', '-n', 'any-team'),
      ).toBe('yes');
      expect(
        await canI('update', 'rooms.roomcast.dev', '--subresource=finalizers', '-n', 'any-team'),
      ).toBe('yes');
      expect(await canI('watch', 'rooms.roomcast.dev', '--all-namespaces')).toBe('yes');
      expect(await canI('create', 'events', '-n', 'any-team')).toBe('yes');
      expect(await canI('delete', 'rooms.roomcast.dev', '-n', 'any-team')).toBe('no');
      expect(
        await canI(
          'update',
          `deployments/${PREFIX}-realtime`,
          '--subresource=scale',
          '-n',
          NAMESPACE,
        ),
      ).toBe('yes');
      expect(
        await canI('update', `deployments/${PREFIX}-user`, '--subresource=scale', '-n', NAMESPACE),
      ).toBe('no');
      expect(await canI('patch', 'pods', '-n', NAMESPACE)).toBe('yes');
      expect(await canI('patch', 'pods', '-n', 'kube-system')).toBe('no');
      expect(await canI('get', 'secrets', '-n', NAMESPACE)).toBe('no');
      expect(await canI('update', `leases/${PREFIX}-operator`, '-n', NAMESPACE)).toBe('yes');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'helm upgrade keeps the generated database password',
    async () => {
      const password = async () =>
        kubectl([
          'get',
          'secret',
          `${PREFIX}-connections`,
          '-n',
          NAMESPACE,
          '-o',
          'jsonpath={.data.POSTGRES_PASSWORD}',
        ]);
      const before = await password();

      await helm(['upgrade', RELEASE, CHART, '-n', NAMESPACE, '--set', 'logLevel=debug']);

      expect(before).not.toBe('');
      expect(await password()).toBe(before);
    },
    TEST_TIMEOUT_MS,
  );
});
