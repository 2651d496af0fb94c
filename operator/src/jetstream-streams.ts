/**
 * The platform's JetStream streams, held to their declaration (kit's platformStreams, with the
 * configured limits): a missing stream is created, an edited one is put back. Checked when the
 * operator becomes leader, every STREAM_RESYNC_MS, and at once when JetStream announces that
 * one of them was deleted or updated.
 */
import type { JetStreamManager, NatsConnection, StreamConfig, Subscription } from 'nats';

import { asError, platformStreams, type Logger, type StreamLimits } from '@roomcast/kit';

import type { Clock, TimerHandle } from './clock.js';
import type { OperatorEvents } from './operator-events.js';

type DeclaredStream = ReturnType<typeof platformStreams>[number];

/** Fields JetStream will not change on an existing stream; drift there is only reported. */
const IMMUTABLE_FIELDS = new Set(['storage']);
const STREAM_NOT_FOUND = 10059;
const ADVISORIES = '$JS.EVENT.ADVISORY.STREAM.>';

/** What the last check found; StreamReady on every Room reflects it. */
export interface StreamsState {
  ready: boolean;
  message: string;
}

/** Options of {@link PlatformStreamsKeeper}. */
export interface PlatformStreamsOptions {
  limits: StreamLimits;
  /** Re-check every this many ms. */
  resyncMs: number;
  clock: Clock;
  events: OperatorEvents;
  log: Logger;
  /** Told about each correction, for a Kubernetes Event. */
  onCorrected?: (stream: string, action: 'created' | 'updated', detail: string) => void;
}

export class PlatformStreamsKeeper {
  private stateNow: StreamsState = { ready: false, message: 'JetStream not checked yet' };
  private timer: TimerHandle | undefined;
  private advisories: Subscription | undefined;
  private checking: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly nc: () => NatsConnection | undefined,
    private readonly options: PlatformStreamsOptions,
  ) {}

  get state(): StreamsState {
    return this.stateNow;
  }

  /** Starts checking now and on schedule, and listening for stream advisories. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.advisories?.unsubscribe();
    this.advisories = undefined;
    await this.checking;
  }

  /** Runs one check now; a check asked for while one runs is run once more after it. */
  check(): Promise<void> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = this.checkLoop().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkLoop(): Promise<void> {
    do {
      this.again = false;
      await this.checkOnce();
    } while (this.again && !this.stopped);
  }

  private async checkOnce(): Promise<void> {
    const nc = this.nc();
    if (!nc) return this.setState({ ready: false, message: 'NATS is not connected' });
    this.listen(nc);

    try {
      const jsm = await nc.jetstreamManager();
      const problems: string[] = [];
      for (const declared of platformStreams(this.options.limits)) {
        const problem = await this.hold(jsm, declared);
        if (problem) problems.push(problem);
      }
      this.setState(
        problems.length === 0
          ? { ready: true, message: 'platform streams exist as declared' }
          : { ready: false, message: problems.join('; ') },
      );
    } catch (caught) {
      const error = asError(caught);
      this.options.log.warn({ err: error }, 'checking JetStream streams failed');
      this.setState({ ready: false, message: `JetStream unavailable: ${error.message}` });
    }
  }

  /** Brings one stream to its declaration; returns a problem it could not fix. */
  private async hold(jsm: JetStreamManager, declared: DeclaredStream): Promise<string | undefined> {
    const actual = await streamConfig(jsm, declared.name);
    if (!actual) {
      await jsm.streams.add(declared);
      this.corrected(declared.name, 'created', 'stream was missing');
      return undefined;
    }

    const drifted = driftedFields(declared, actual);
    if (drifted.length === 0) return undefined;

    const immutable = drifted.filter((field) => IMMUTABLE_FIELDS.has(field));
    if (immutable.length > 0) {
      this.options.events.emit({
        type: 'stream-drift-unfixable',
        stream: declared.name,
        fields: immutable,
      });
      return `stream ${declared.name} differs in ${immutable.join(', ')}, which cannot be changed in place`;
    }
    await jsm.streams.update(declared.name, { ...actual, ...declared });
    this.corrected(declared.name, 'updated', `restored ${drifted.join(', ')}`);
    return undefined;
  }

  private corrected(stream: string, action: 'created' | 'updated', detail: string): void {
    this.options.log.info({ stream, action, detail }, 'platform stream corrected');
    this.options.events.emit({ type: 'stream-corrected', stream, action });
    this.options.onCorrected?.(stream, action, detail);
  }

  private setState(state: StreamsState): void {
    this.stateNow = state;
    this.options.events.emit({ type: 'streams-checked', ...state });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer?.cancel();
    this.timer = this.options.clock.setTimer(() => {
      void this.check().finally(() => this.schedule(this.options.resyncMs));
    }, delayMs);
  }

  /** Subscribes to stream advisories once per connection, so a deletion is fixed in moments. */
  private listen(nc: NatsConnection): void {
    if (this.advisories && !this.advisories.isClosed()) return;
    const names = new Set(platformStreams(this.options.limits).map((stream) => stream.name));
    this.advisories = nc.subscribe(ADVISORIES, {
      callback: (_error, message) => {
        const [action, stream] = message.subject.split('.').slice(-2);
        if (!names.has(stream) || (action !== 'DELETED' && action !== 'UPDATED')) return;
        if (!this.stopped) void this.check();
      },
    });
  }
}

async function streamConfig(
  jsm: JetStreamManager,
  name: string,
): Promise<StreamConfig | undefined> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (caught) {
    const apiError = (caught as { api_error?: { err_code?: number } }).api_error;
    if (apiError?.err_code === STREAM_NOT_FOUND) return undefined;
    throw caught;
  }
}

/** The declared fields whose actual value differs. */
export function driftedFields(declared: DeclaredStream, actual: Partial<StreamConfig>): string[] {
  return Object.entries(declared)
    .filter(([field, value]) => {
      const current = (actual as Record<string, unknown>)[field];
      return JSON.stringify(current) !== JSON.stringify(value);
    })
    .map(([field]) => field);
}
