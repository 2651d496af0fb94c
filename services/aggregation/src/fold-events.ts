import {
  EventType,
  PresenceAction,
  StreamState,
  type ChatMessage,
  type Event,
  type UserPresence,
  type SessionAggregates,
} from '@roomcast/proto';

/** Everything the analytics of one session are computed from, after folding its events. */
export interface FoldState {
  sessionId: string;
  /** The last stored sequence folded; events at or below it are ignored. */
  lastSequence: bigint;
  messageCount: bigint;
  peakViewers: bigint;
  /** Distinct user ids that sent a chat message. */
  chatters: Set<string>;
  /** Distinct user ids that joined as viewers. */
  viewers: Set<string>;
  /** occur_time of the first LIVE status. */
  liveSince: Date | undefined;
  /** The latest occur_time of any folded event: the end of a session still live. */
  lastEventTime: Date | undefined;
  /** occur_time of the ENDED status. */
  endTime: Date | undefined;
  /** True once ENDED was folded; later events change nothing but lastSequence. */
  final: boolean;
}

/** The numbers of a session without its id sets: what is kept per session and served. */
export interface AggregateSummary {
  sessionId: string;
  lastSequence: bigint;
  messageCount: bigint;
  peakViewers: bigint;
  uniqueChatters: bigint;
  uniqueViewers: bigint;
  liveSince: Date | undefined;
  lastEventTime: Date | undefined;
  endTime: Date | undefined;
  final: boolean;
}

/** A session before any of its events. */
export function emptyState(sessionId: string): FoldState {
  return {
    sessionId,
    lastSequence: 0n,
    messageCount: 0n,
    peakViewers: 0n,
    chatters: new Set(),
    viewers: new Set(),
    liveSince: undefined,
    lastEventTime: undefined,
    endTime: undefined,
    final: false,
  };
}

/**
 * Folds stored events, in ascending sequence, into a session's state. Pure: the given state is
 * left as it was. Folding the same events again changes nothing, so incremental folds and a
 * recompute from sequence 0 arrive at the same numbers.
 */
export function foldEvents(state: FoldState, events: readonly Event[]): FoldState {
  const next: FoldState = {
    ...state,
    chatters: new Set(state.chatters),
    viewers: new Set(state.viewers),
  };
  for (const event of events) foldOne(next, event);
  return next;
}

function foldOne(state: FoldState, event: Event): void {
  const sequence = BigInt(event.sequence);
  if (sequence <= state.lastSequence) return;
  state.lastSequence = sequence;
  if (state.final) return;

  const occurred = event.occurTime ?? event.storeTime;
  if (occurred && (!state.lastEventTime || occurred > state.lastEventTime)) {
    state.lastEventTime = occurred;
  }

  switch (event.type) {
    case EventType.EVENT_TYPE_CHAT_MESSAGE:
      return foldChat(state, event.chat);
    case EventType.EVENT_TYPE_STREAM_STATUS:
      return foldStatus(state, event.streamStatus?.state, occurred);
    case EventType.EVENT_TYPE_USER_PRESENCE:
      return foldPresence(state, event.presence);
    case EventType.EVENT_TYPE_VIEWER_COUNT:
      if (event.viewerCount)
        state.peakViewers = max(state.peakViewers, BigInt(event.viewerCount.count));
      return;
    default:
      return;
  }
}

/** User 0 is a chatter nobody can tell apart (an outside platform's): counted, not distinct. */
function foldChat(state: FoldState, chat: ChatMessage | undefined): void {
  state.messageCount += 1n;
  if (chat && chat.userId !== '0') state.chatters.add(chat.userId);
}

function foldPresence(state: FoldState, presence: UserPresence | undefined): void {
  if (!presence) return;
  if (presence.action === PresenceAction.PRESENCE_ACTION_JOIN && presence.userId !== '0') {
    state.viewers.add(presence.userId);
  }
  state.peakViewers = max(state.peakViewers, BigInt(presence.viewerCount));
}

function foldStatus(state: FoldState, streamState: StreamState | undefined, at: Date | undefined) {
  if (streamState === StreamState.STREAM_STATE_LIVE) {
    state.liveSince ??= at;
  } else if (streamState === StreamState.STREAM_STATE_ENDED) {
    state.endTime = at;
    state.final = true;
  }
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** The state's numbers without its id sets. */
export function summarize(state: FoldState): AggregateSummary {
  const { chatters, viewers, ...rest } = state;
  return { ...rest, uniqueChatters: BigInt(chatters.size), uniqueViewers: BigInt(viewers.size) };
}

/** Seconds from the first LIVE to ENDED, or to the latest event while still live; else 0. */
export function durationSeconds(summary: AggregateSummary): bigint {
  const end = summary.endTime ?? summary.lastEventTime;
  if (!summary.liveSince || !end) return 0n;
  const ms = end.getTime() - summary.liveSince.getTime();
  return ms > 0 ? BigInt(Math.floor(ms / 1000)) : 0n;
}

/**
 * Messages per minute over the session's duration, counting at least one minute so a session
 * seconds old does not report a burst as a huge rate. Rounded to two decimals.
 */
export function messagesPerMinute(summary: AggregateSummary): number {
  const seconds = Number(durationSeconds(summary));
  const minutes = Math.max(seconds, 60) / 60;
  return Math.round((Number(summary.messageCount) / minutes) * 100) / 100;
}

/** The API form of a session's numbers. */
export function toAggregates(summary: AggregateSummary, updateTime: Date): SessionAggregates {
  return {
    sessionId: summary.sessionId,
    messageCount: summary.messageCount.toString(),
    uniqueChatters: summary.uniqueChatters.toString(),
    peakConcurrentViewers: summary.peakViewers.toString(),
    uniqueViewers: summary.uniqueViewers.toString(),
    durationSeconds: durationSeconds(summary).toString(),
    messagesPerMinute: messagesPerMinute(summary),
    final: summary.final,
    lastSequence: summary.lastSequence.toString(),
    updateTime,
  };
}
