/**
 * A Room's live session and viewer count in status, against a real kube-apiserver and the real
 * Session service in-process (on real PostgreSQL, Redis and NATS, beside the Room service).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { OperatorEvent } from '../src/operator-events.js';
import type { RunningOperator } from '../src/operator.js';
import { startOperatorEnv, type OperatorEnv } from './support/operator-env.js';
import { isReady, readRoom, roomManifest } from './support/rooms.js';
import { startSessionEnv, type SessionEnv } from './support/session-env.js';
import { eventually, nextEvent, recordEvents } from './support/wait.js';

const NS = 'live';
const START_TIMEOUT_MS = 180_000;
const REFRESH_MS = 500;

let env: OperatorEnv;
let sessions: SessionEnv;
let operator: RunningOperator;
let seen: OperatorEvent[];

beforeAll(async () => {
  env = await startOperatorEnv();
  sessions = await startSessionEnv(env);
  await env.kubectl(['create', 'namespace', NS]);
  operator = await env.startOperator({
    sessionServiceAddr: sessions.addr,
    liveSessionRefreshMs: REFRESH_MS,
  });
  seen = recordEvents(operator.events);
}, START_TIMEOUT_MS);

afterAll(async () => {
  await sessions?.close();
  await env?.stop();
});

async function readyRoomId(name: string): Promise<string> {
  await env.kubectl(['apply', '-f', '-'], roomManifest(NS, name, { title: name, owner: 'ada-l' }));
  const room = await eventually(`Room ${name} to be Ready`, async () => {
    const read = await readRoom(env, NS, name);
    return isReady(read) ? read : undefined;
  });
  return room.status!.roomId!;
}

async function statusOf(name: string) {
  return (await readRoom(env, NS, name))?.status;
}

/** The row of `kubectl get rooms` for `name`, as column header to cell. */
async function tableRow(name: string, wide = false): Promise<Record<string, string>> {
  const out = await env.kubectl(['-n', NS, 'get', 'rooms', ...(wide ? ['-o', 'wide'] : [])]);
  const [header, ...rows] = out.trimEnd().split('\n');
  const starts = [...header!.matchAll(/\S+(?: \S+)*/g)].map((match) => match.index);
  const cells = (line: string) => starts.map((start, i) => line.slice(start, starts[i + 1]).trim());
  const row = rows.find((line) => line.startsWith(`${name} `));
  if (!row) throw new Error(`no row for ${name} in:\n${out}`);

  const titles = cells(header!);
  return Object.fromEntries(cells(row).map((cell, i) => [titles[i]!, cell]));
}

describe('Room live session', () => {
  it('room status - shows the live session and its two viewers, cleared when it ends', async () => {
    const roomId = await readyRoomId('stage');
    expect(await statusOf('stage')).not.toHaveProperty('liveSessionId');

    const session = await sessions.startSession(roomId, 'Opening night');
    const join = { sessionId: session.id, action: 'join' as const };
    await sessions.presence({ ...join, userId: '1', connectionId: 'socket-1' });
    expect(await sessions.presence({ ...join, userId: '2', connectionId: 'socket-2' })).toBe('2');

    const status = await eventually('status to show the live session with 2 viewers', async () => {
      const current = await statusOf('stage');
      return current?.viewerCount === 2 ? current : undefined;
    });
    expect(status.liveSessionId).toBe(session.id);
    expect(status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(await tableRow('stage')).toMatchObject({ VIEWERS: '2' });
    expect(await tableRow('stage', true)).toMatchObject({
      VIEWERS: '2',
      'LIVE SESSION': session.id,
    });

    await sessions.endSession(session.id);
    await eventually('status to drop the ended session', async () => {
      const current = await statusOf('stage');
      return current && !('liveSessionId' in current) && !('viewerCount' in current);
    });
    // kubectl leaves a column empty when its field is absent.
    expect(await tableRow('stage', true)).toMatchObject({ VIEWERS: '', 'LIVE SESSION': '' });
  });

  it('room status - a live room is refreshed every interval, an idle one only on resync', async () => {
    const liveId = await readyRoomId('busy');
    await readyRoomId('quiet');
    const session = await sessions.startSession(liveId, 'Matinee');
    await eventually('the live session in status', async () => {
      return (await statusOf('busy'))?.liveSessionId === session.id;
    });

    const from = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const reads = seen.slice(from).filter((event) => event.type === 'live-session-read');
    const readsOf = (name: string) => reads.filter((event) => event.key === `${NS}/${name}`);

    // 2.5 s is five refresh intervals and less than one resync (3 s in these tests).
    expect(readsOf('busy').length).toBeGreaterThanOrEqual(3);
    expect(readsOf('quiet').length).toBeLessThanOrEqual(1);
    await sessions.endSession(session.id);
  });

  it('room status - keeps the last count and stays Ready while Session is down', async () => {
    const roomId = await readyRoomId('backstage');
    const session = await sessions.startSession(roomId, 'Rehearsal');
    const join = { sessionId: session.id, action: 'join' as const };
    await sessions.presence({ ...join, userId: '1', connectionId: 'socket-1' });
    await eventually('1 viewer in status', async () => {
      return (await statusOf('backstage'))?.viewerCount === 1;
    });

    const outage = nextEvent(operator.events, (e) => e.type === 'session-service-unavailable');
    await sessions.stop();
    await outage;
    // A few refreshes into the outage: nothing changed, and Ready holds.
    await new Promise((resolve) => setTimeout(resolve, 3 * REFRESH_MS));
    const during = await readRoom(env, NS, 'backstage');
    expect(isReady(during)).toBe(true);
    expect(during?.status).toMatchObject({ liveSessionId: session.id, viewerCount: 1 });
    const outages = seen.filter((event) => event.type === 'session-service-unavailable');
    expect(outages).toHaveLength(1);

    const recovered = nextEvent(operator.events, (e) => e.type === 'session-service-available');
    await sessions.start();
    await sessions.presence({ ...join, userId: '2', connectionId: 'socket-2' });
    await recovered;
    await eventually('2 viewers in status after the outage', async () => {
      return (await statusOf('backstage'))?.viewerCount === 2;
    });
    await sessions.endSession(session.id);
  });
});
