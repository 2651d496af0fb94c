import { callUnary } from '@roomcast/kit';
import type { Room, RoomServiceClient } from '@roomcast/proto';

import type { RoomObject } from '../../src/room-resource.js';
import type { OperatorEnv } from './operator-env.js';

/** A Room manifest as a platform team would write it. */
export function roomManifest(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
) {
  return JSON.stringify({
    apiVersion: 'roomcast.dev/v1alpha1',
    kind: 'Room',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec,
  });
}

/** The Room as stored, or undefined once it is gone. */
export async function readRoom(
  env: OperatorEnv,
  namespace: string,
  name: string,
): Promise<RoomObject | undefined> {
  const result = await env.controlPlane.kubectl([
    '-n',
    namespace,
    'get',
    'room',
    name,
    '-o',
    'json',
  ]);
  if (result.exitCode !== 0) {
    if (result.stderr.includes('NotFound')) return undefined;
    throw new Error(result.stderr);
  }
  return JSON.parse(result.stdout) as RoomObject;
}

export function conditionOf(room: RoomObject | undefined, type: string) {
  return room?.status?.conditions?.find((condition) => condition.type === type);
}

/** True when the Room is Ready for its current generation. */
export function isReady(room: RoomObject | undefined): boolean {
  return (
    conditionOf(room, 'Ready')?.status === 'True' &&
    room?.status?.observedGeneration === room?.metadata.generation
  );
}

export function getApiRoom(client: RoomServiceClient, roomId: string): Promise<Room> {
  return callUnary(client, client.getRoom, { roomId });
}

export async function roomsWithSlug(client: RoomServiceClient, slug: string): Promise<Room[]> {
  const response = await callUnary(client, client.listRooms, {
    slug,
    includeArchived: true,
    pageSize: 10,
    pageToken: '',
  });
  return response.rooms;
}

/** The reasons of the Kubernetes Events about one object, oldest first. */
export async function eventReasons(
  env: OperatorEnv,
  namespace: string,
  kind: string,
  name: string,
): Promise<string[]> {
  const selector = `involvedObject.kind=${kind},involvedObject.name=${name}`;
  const out = await env.kubectl([
    '-n',
    namespace,
    'get',
    'events',
    '--field-selector',
    selector,
    '-o',
    'json',
  ]);
  const list = JSON.parse(out) as { items: Array<{ reason: string; firstTimestamp?: string }> };
  return list.items.map((event) => event.reason);
}
