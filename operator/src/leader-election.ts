/**
 * Leader election on a coordination.k8s.io/v1 Lease, the way client-go does it: the holder
 * renews the Lease every retry period; others watch the record and take over once it has not
 * changed for the lease duration (measured on their own clock, so clock skew between nodes does
 * not matter). Every write carries the resourceVersion it read, so two candidates never both
 * win. A holder that finds the Lease held by another stops acting at once; one that cannot
 * renew within the renew deadline stops before anyone else may start; a holder that stops
 * gracefully releases the Lease so a standby takes over at once.
 */
import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';

import { asError, type Logger } from '@roomcast/kit';

import { sleep, type Clock } from './clock.js';
import type { LeaderElectionConfig } from './config.js';
import { isConflict, isNotFound, type KubeClients } from './kube-client.js';
import type { OperatorEvents } from './operator-events.js';

export interface LeaderElectorOptions {
  clients: KubeClients;
  config: LeaderElectionConfig;
  events: OperatorEvents;
  log: Logger;
  clock: Clock;
  /** Called when this replica becomes the leader; it may start acting. */
  onStartedLeading: () => void;
  /** Called when it stops being the leader; it must stop acting, and is awaited. */
  onStoppedLeading: () => Promise<void>;
}

type Attempt = 'held' | 'taken' | 'failed';

interface Observed {
  holder: string;
  renewTime: number;
  durationMs: number;
  /** When this replica saw the record last change, on its own clock. */
  seenAtMs: number;
}

export class LeaderElector {
  private leading = false;
  private lastRenewMs = 0;
  private observed: Observed | undefined;
  private readonly stopped = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: LeaderElectorOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning; a leader stops acting, then releases the Lease. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await this.loop;
    if (!this.leading) return;
    await this.lose('stopping');
    await this.release();
  }

  private async run(): Promise<void> {
    const { clock, config } = this.options;
    while (!this.stopped.signal.aborted) {
      const outcome = await this.withDeadline(this.tryAcquireOrRenew());
      if (this.stopped.signal.aborted) return;

      if (outcome === 'held') {
        this.lastRenewMs = clock.now();
        if (!this.leading) this.win();
      } else if (this.leading && outcome === 'taken') {
        await this.lose(`the lease is held by ${this.observed?.holder ?? 'another replica'}`);
      } else if (this.leading && clock.now() - this.lastRenewMs > config.renewDeadlineMs) {
        await this.lose('could not renew the lease within the renew deadline');
      }
      await sleep(clock, config.retryPeriodMs, this.stopped.signal);
    }
  }

  /**
   * held: this replica holds the Lease after the call; taken: another replica holds a valid
   * Lease; failed: the call failed or lost a race, nothing is known.
   */
  private async tryAcquireOrRenew(): Promise<Attempt> {
    const { clients, config, clock } = this.options;
    const now = clock.now();
    let lease: V1Lease;
    try {
      lease = await clients.coordination.readNamespacedLease({
        name: config.leaseName,
        namespace: config.leaseNamespace,
      });
    } catch (caught) {
      if (isNotFound(caught)) return this.create(now);
      throw caught;
    }

    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    this.observe(holder, spec.renewTime, spec.leaseDurationSeconds, now);
    const expired = !holder || now >= this.observed!.seenAtMs + this.observed!.durationMs;
    if (holder !== config.identity && !expired) return 'taken';

    const mine = holder === config.identity;
    lease.spec = {
      ...spec,
      holderIdentity: config.identity,
      leaseDurationSeconds: Math.ceil(config.leaseDurationMs / 1000),
      renewTime: new V1MicroTime(now),
      acquireTime: mine && spec.acquireTime ? spec.acquireTime : new V1MicroTime(now),
      leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
    };
    try {
      await clients.coordination.replaceNamespacedLease({
        name: config.leaseName,
        namespace: config.leaseNamespace,
        body: lease,
      });
    } catch (caught) {
      if (isConflict(caught)) return 'failed';
      throw caught;
    }
    this.observe(config.identity, lease.spec.renewTime, lease.spec.leaseDurationSeconds, now);
    return 'held';
  }

  private async create(now: number): Promise<Attempt> {
    const { clients, config } = this.options;
    try {
      await clients.coordination.createNamespacedLease({
        namespace: config.leaseNamespace,
        body: {
          metadata: { name: config.leaseName, namespace: config.leaseNamespace },
          spec: {
            holderIdentity: config.identity,
            leaseDurationSeconds: Math.ceil(config.leaseDurationMs / 1000),
            acquireTime: new V1MicroTime(now),
            renewTime: new V1MicroTime(now),
            leaseTransitions: 0,
          },
        },
      });
      return 'held';
    } catch (caught) {
      if (isConflict(caught)) return 'failed';
      throw caught;
    }
  }

  /** Remembers when the record last changed, by this replica's clock. */
  private observe(
    holder: string,
    renewTime: Date | undefined,
    seconds: number | undefined,
    now: number,
  ) {
    const renew = renewTime ? new Date(renewTime).getTime() : 0;
    const durationMs = (seconds ?? 0) * 1000 || this.options.config.leaseDurationMs;
    const previous = this.observed;
    if (previous && previous.holder === holder && previous.renewTime === renew) return;

    this.observed = { holder, renewTime: renew, durationMs, seenAtMs: now };
    if (holder && holder !== this.options.config.identity && previous?.holder !== holder) {
      this.options.log.info({ holder }, 'another replica leads');
      this.options.events.emit({
        type: 'leader-observed',
        identity: this.options.config.identity,
        holder,
      });
    }
  }

  private win(): void {
    this.leading = true;
    this.options.log.info({ lease: this.options.config.leaseName }, 'became the leader');
    this.options.events.emit({ type: 'leader-acquired', identity: this.options.config.identity });
    this.options.onStartedLeading();
  }

  private async lose(why: string): Promise<void> {
    this.leading = false;
    this.options.log.warn({ why }, 'stopped leading');
    await this.options.onStoppedLeading();
    this.options.events.emit({ type: 'leader-lost', identity: this.options.config.identity, why });
  }

  /** Gives the Lease up so a standby need not wait for it to expire. */
  private async release(): Promise<void> {
    const { clients, config, clock } = this.options;
    try {
      const lease = await clients.coordination.readNamespacedLease({
        name: config.leaseName,
        namespace: config.leaseNamespace,
      });
      if (lease.spec?.holderIdentity !== config.identity) return;
      lease.spec = {
        ...lease.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: new V1MicroTime(clock.now()),
      };
      await clients.coordination.replaceNamespacedLease({
        name: config.leaseName,
        namespace: config.leaseNamespace,
        body: lease,
      });
    } catch (caught) {
      this.options.log.warn({ err: asError(caught) }, 'could not release the lease');
    }
  }

  /** Any Lease call that takes longer than the renew deadline counts as failed. */
  private async withDeadline(attempt: Promise<Attempt>): Promise<Attempt> {
    const { clock, config, log } = this.options;
    let timer: { cancel(): void } | undefined;
    const deadline = new Promise<Attempt>((resolve) => {
      timer = clock.setTimer(() => resolve('failed'), config.renewDeadlineMs);
    });
    try {
      return await Promise.race([attempt, deadline]);
    } catch (caught) {
      log.warn({ err: asError(caught) }, 'lease call failed');
      return 'failed';
    } finally {
      timer?.cancel();
    }
  }
}
