/**
 * The `roomcast.dev/cleanup` finalizer: added before the operator creates anything for a Room,
 * removed once the room is archived and its stream state gone (or cleanup was given up). Every
 * write carries the resourceVersion it was computed from, so a concurrent change is a 409
 * Conflict that the work queue retries, never a lost update.
 */
import type { KubeClients } from './kube-client.js';
import { MERGE_PATCH } from './kube-client.js';
import {
  CLEANUP_FINALIZER,
  ROOM_GROUP,
  ROOM_PLURAL,
  ROOM_VERSION,
  type RoomObject,
} from './room-resource.js';

export function hasFinalizer(room: RoomObject): boolean {
  return room.metadata.finalizers?.includes(CLEANUP_FINALIZER) ?? false;
}

/** Adds the finalizer; returns the object as stored afterwards. */
export function addFinalizer(clients: KubeClients, room: RoomObject): Promise<RoomObject> {
  const finalizers = [...(room.metadata.finalizers ?? []), CLEANUP_FINALIZER];
  return patchMetadata(clients, room, { finalizers });
}

/** Removes the finalizer, letting Kubernetes delete the object. */
export async function removeFinalizer(clients: KubeClients, room: RoomObject): Promise<void> {
  const finalizers = (room.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
  await patchMetadata(clients, room, { finalizers });
}

async function patchMetadata(
  clients: KubeClients,
  room: RoomObject,
  metadata: Record<string, unknown>,
): Promise<RoomObject> {
  const { namespace, name, resourceVersion } = room.metadata;
  return (await clients.custom.patchNamespacedCustomObject(
    {
      group: ROOM_GROUP,
      version: ROOM_VERSION,
      plural: ROOM_PLURAL,
      namespace,
      name,
      body: { metadata: { ...metadata, resourceVersion } },
    },
    MERGE_PATCH,
  )) as RoomObject;
}
