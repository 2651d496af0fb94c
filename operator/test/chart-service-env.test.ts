import { fileURLToPath } from 'node:url';

import { readAdapterConfig } from '@roomcast/adapter';
import { readAggregationConfig } from '@roomcast/aggregation';
import { readEventConfig } from '@roomcast/event';
import { startControlPlane, type ControlPlane } from '@roomcast/harness';
import { EnvReader } from '@roomcast/kit';
import { readRealtimeConfig } from '@roomcast/realtime';
import { readRoomConfig } from '@roomcast/room';
import { readSessionConfig } from '@roomcast/session';
import { readUserConfig } from '@roomcast/user';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { readOperatorConfig } from '../src/config.js';

/**
 * Every Deployment the chart renders gives its process an environment that the process's own
 * configuration reader accepts: no missing variable, no misspelt name, servers bound to every
 * interface. Values held in Secrets are read from the Secret the chart renders.
 */

const CHART = fileURLToPath(new URL('../../charts/roomcast', import.meta.url));

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  stringData?: Record<string, string>;
  spec?: { template?: { spec?: { containers?: Array<{ env?: EnvVar[] }> } } };
}

const READERS: Record<string, (env: EnvReader) => { bindHost: string }> = {
  user: readUserConfig,
  room: readRoomConfig,
  session: readSessionConfig,
  event: readEventConfig,
  aggregation: readAggregationConfig,
  realtime: readRealtimeConfig,
  adapter: readAdapterConfig,
  operator: readOperatorConfig,
};

let controlPlane: ControlPlane;
let manifests: Manifest[];

beforeAll(async () => {
  controlPlane = await startControlPlane();
  const rendered = await controlPlane.helm(['template', 'rc', CHART, '-n', 'roomcast']);
  expect(rendered.exitCode).toBe(0);
  manifests = parseAllDocuments(rendered.stdout)
    .map((document) => document.toJS() as Manifest)
    .filter(Boolean);
}, 180_000);

afterAll(async () => {
  await controlPlane?.stop();
});

function environmentOf(component: string): Record<string, string> {
  const deployment = manifests.find(
    (m) => m.kind === 'Deployment' && m.metadata.name === `rc-roomcast-${component}`,
  );
  if (!deployment) throw new Error(`no Deployment rendered for ${component}`);

  const variables = deployment.spec?.template?.spec?.containers?.[0]?.env ?? [];
  return Object.fromEntries(variables.map((variable) => [variable.name, valueOf(variable)]));
}

/** A variable's value: literal, from a rendered Secret, or a stand-in for the pod's own name. */
function valueOf(variable: EnvVar): string {
  const ref = variable.valueFrom?.secretKeyRef;
  if (!ref) return variable.valueFrom?.fieldRef ? 'rc-roomcast-pod-0' : (variable.value ?? '');

  const secret = manifests.find((m) => m.kind === 'Secret' && m.metadata.name === ref.name);
  const value = secret?.stringData?.[ref.key];
  if (value === undefined) throw new Error(`${variable.name}: no ${ref.name}/${ref.key}`);
  return value;
}

describe('chart environment', () => {
  it.each(Object.keys(READERS))(
    'chart - the %s Deployment gives everything its configuration reads',
    (component) => {
      const env = environmentOf(component);
      const config = READERS[component]!(new EnvReader(env));

      expect(config.bindHost).toBe('0.0.0.0');
    },
  );
});
