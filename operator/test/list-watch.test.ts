/**
 * The list-watch's recovery logic with a scripted source and a fake clock: 410 Gone, silent
 * stalls, failures and resync, each played out without real time passing. The same class
 * against a real API server is in list-watch-kube.test.ts.
 */
import { describe, expect, it } from 'vitest';

import { createLogger } from '@roomcast/kit';

import { ListWatch, type WatchSource, type WatchedObject } from '../src/list-watch.js';
import { OperatorEvents, type OperatorEvent } from '../src/operator-events.js';
import { FakeClock, settle } from './support/fake-clock.js';

type Obj = WatchedObject & {
  metadata: { name: string; namespace: string; resourceVersion: string };
};

const obj = (name: string, resourceVersion: string): Obj => ({
  metadata: { name, namespace: 'ns', resourceVersion },
});

/** A source whose lists are scripted and whose watches the test drives. */
class ScriptedSource implements WatchSource<Obj> {
  readonly resource = 'things.test';
  lists: Array<{ items: Obj[]; resourceVersion: string }> = [];
  listCalls = 0;
  watches: Array<{
    resourceVersion: string;
    send: (type: string, object: unknown) => void;
    end: (error: unknown) => void;
    aborted: boolean;
  }> = [];

  async list() {
    this.listCalls++;
    const next = this.lists.shift();
    if (!next) throw new Error('no list scripted');
    return next;
  }

  async watch(options: Parameters<WatchSource<Obj>['watch']>[0]) {
    const handle = {
      resourceVersion: options.resourceVersion,
      send: options.onEvent,
      end: options.onDone,
      aborted: false,
    };
    this.watches.push(handle);
    return { abort: () => (handle.aborted = true) };
  }

  get current() {
    return this.watches.at(-1)!;
  }
}

function setup(options: { stallMs?: number; resyncMs?: number } = {}) {
  const clock = new FakeClock();
  const source = new ScriptedSource();
  const events = new OperatorEvents();
  const seen: OperatorEvent[] = [];
  events.on((event) => seen.push(event));
  const upserts: string[] = [];
  const deletes: string[] = [];
  const listWatch = new ListWatch<Obj>({
    source,
    events,
    clock,
    log: createLogger('test'),
    stallMs: options.stallMs ?? 10_000,
    resyncMs: options.resyncMs ?? 600_000,
    onUpsert: (o) => upserts.push(`${o.metadata.name}@${o.metadata.resourceVersion}`),
    onDelete: (o) => deletes.push(o.metadata.name),
  });
  return { clock, source, seen, upserts, deletes, listWatch };
}

describe('list-watch', () => {
  it('list-watch - lists, then watches from the list resource version', async () => {
    const { source, upserts, listWatch, clock } = setup();
    source.lists.push({ items: [obj('a', '5')], resourceVersion: '10' });

    listWatch.start();
    await clock.advance(0);
    source.current.send('ADDED', obj('b', '11'));

    expect(source.current.resourceVersion).toBe('10');
    expect(upserts).toEqual(['a@5', 'b@11']);
    expect(listWatch.hasSynced).toBe(true);
    await listWatch.stop();
  });

  it('list-watch - on 410 Gone it relists and reports objects that vanished meanwhile as deleted', async () => {
    const { source, deletes, upserts, seen, listWatch, clock } = setup();
    source.lists.push({ items: [obj('a', '5'), obj('b', '6')], resourceVersion: '10' });
    source.lists.push({ items: [obj('b', '30')], resourceVersion: '40' });
    listWatch.start();
    await clock.advance(0);

    source.current.send('ERROR', {
      kind: 'Status',
      code: 410,
      message: 'too old resource version',
    });
    await clock.advance(0);

    expect(source.listCalls).toBe(2);
    expect(source.watches[0]!.aborted).toBe(true);
    expect(source.current.resourceVersion).toBe('40');
    expect(deletes).toEqual(['a']);
    expect(upserts.at(-1)).toBe('b@30');
    expect(seen).toContainEqual({ type: 'watch-ended', resource: 'things.test', reason: 'gone' });
    await listWatch.stop();
  });

  it('list-watch - an HTTP 410 on opening the watch also relists', async () => {
    const { source, listWatch, clock } = setup();
    source.lists.push({ items: [], resourceVersion: '10' });
    source.lists.push({ items: [], resourceVersion: '50' });
    listWatch.start();
    await clock.advance(0);

    source.current.end(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await clock.advance(0);

    expect(source.listCalls).toBe(2);
    expect(source.current.resourceVersion).toBe('50');
    await listWatch.stop();
  });

  it('list-watch - a watch silent for stallMs is aborted and reopened from the last version seen', async () => {
    const { source, seen, listWatch, clock } = setup({ stallMs: 5_000 });
    source.lists.push({ items: [], resourceVersion: '10' });
    listWatch.start();
    await clock.advance(0);
    await clock.advance(4_000);
    source.current.send('BOOKMARK', { metadata: { resourceVersion: '17' } });

    await clock.advance(4_999);
    expect(source.watches).toHaveLength(1);
    await clock.advance(1);

    expect(source.watches[0]!.aborted).toBe(true);
    expect(source.watches).toHaveLength(2);
    expect(source.current.resourceVersion).toBe('17');
    expect(source.listCalls).toBe(1);
    expect(seen).toContainEqual({
      type: 'watch-ended',
      resource: 'things.test',
      reason: 'stalled',
    });
    await listWatch.stop();
  });

  it('list-watch - a failed watch is retried after a growing backoff, from where it was', async () => {
    const { source, listWatch, clock } = setup();
    source.lists.push({ items: [], resourceVersion: '10' });
    listWatch.start();
    await clock.advance(0);
    source.current.send('MODIFIED', obj('a', '12'));

    source.current.end(new Error('socket hang up'));
    await clock.advance(0);
    expect(source.watches).toHaveLength(1);
    await clock.advance(700);
    expect(source.watches).toHaveLength(2);
    expect(source.current.resourceVersion).toBe('12');

    source.current.end(new Error('socket hang up'));
    await clock.advance(700);
    expect(source.watches).toHaveLength(2);
    await clock.advance(700);
    expect(source.watches).toHaveLength(3);
    await listWatch.stop();
  });

  it('list-watch - a watch the server ends after a while is reopened at once', async () => {
    const { source, listWatch, clock } = setup({ stallMs: 120_000 });
    source.lists.push({ items: [], resourceVersion: '10' });
    listWatch.start();
    await clock.advance(60_000);

    source.current.end(null);
    await clock.advance(0);

    expect(source.watches).toHaveLength(2);
    await listWatch.stop();
  });

  it('list-watch - resync hands every cached object to the handler again', async () => {
    const { source, upserts, seen, listWatch, clock } = setup({ resyncMs: 30_000 });
    source.lists.push({ items: [obj('a', '5'), obj('b', '6')], resourceVersion: '10' });
    listWatch.start();
    await clock.advance(0);
    source.current.send('DELETED', obj('b', '11'));

    await clock.advance(30_000);

    expect(upserts).toEqual(['a@5', 'b@6', 'a@5']);
    expect(seen).toContainEqual({ type: 'watch-resync', resource: 'things.test', count: 1 });
    await listWatch.stop();
    await settle();
  });
});
