/**
 * `roomcast up --demo`: a demo user, room and live session, found again on the next run when
 * the data dir kept them, and a chat message posted every second so a newcomer sees events
 * flow at once.
 */
import type { RestClient } from './rest-client.js';

const DEMO_HANDLE = 'demo';
const DEMO_SLUG = 'demo';
const DEFAULT_INTERVAL_MS = 1_000;

interface User {
  id: string;
  handle: string;
}
interface Room {
  id: string;
  slug: string;
}
interface Session {
  id: string;
  state: string;
}

/** The demo's user, room and live session, and whether they were made by this run. */
export interface DemoSetup {
  userId: string;
  roomId: string;
  sessionId: string;
  /** The parts found from an earlier run, e.g. `['user', 'room']`. */
  reused: string[];
}

/** Finds the demo user, room and live session, creating whatever does not exist yet. */
export async function prepareDemo(rest: RestClient): Promise<DemoSetup> {
  const reused: string[] = [];

  let user = await findUser(rest, DEMO_HANDLE);
  if (user) reused.push('user');
  user ??= await rest.post<User>('/v1/users', {
    handle: DEMO_HANDLE,
    displayName: 'Demo Broadcaster',
    role: 'USER_ROLE_BROADCASTER',
  });

  let room = (await rest.get<{ rooms?: Room[] }>(`/v1/rooms?slug=${DEMO_SLUG}`)).rooms?.[0];
  if (room) reused.push('room');
  room ??= await rest.post<Room>('/v1/rooms', {
    slug: DEMO_SLUG,
    title: 'Roomcast demo',
    owner: DEMO_HANDLE,
    chat: { maxMessageLength: 500, slowModeSeconds: 0 },
  });

  let session = await findLiveSession(rest, room.id);
  if (session) reused.push('session');
  session ??= await rest.post<Session>('/v1/sessions', { roomId: room.id, title: 'Demo session' });

  return { userId: user.id, roomId: room.id, sessionId: session.id, reused };
}

/** Options of `startChatFeed`. */
export interface ChatFeedOptions {
  rest: RestClient;
  demo: DemoSetup;
  /** Pause between messages. Default: 1 000 ms. */
  intervalMs?: number;
  /** Told about each message posted, or why one failed. */
  onPosted?: (outcome: { n: number; error?: Error }) => void;
}

/** Posts a chat message every interval until the returned stop function is called. */
export function startChatFeed(options: ChatFeedOptions): () => Promise<void> {
  const { rest, demo } = options;
  let n = 0;
  let inFlight: Promise<void> = Promise.resolve();

  const post = async (): Promise<void> => {
    n += 1;
    const text = `hello #${n} from the demo feed 👋`;
    try {
      await rest.post(`/v1/sessions/${demo.sessionId}/messages`, { userId: demo.userId, text });
      options.onPosted?.({ n });
    } catch (error) {
      options.onPosted?.({ n, error: error instanceof Error ? error : new Error(String(error)) });
    }
  };

  // One message at a time: a slow answer delays the next message instead of piling calls up.
  const timer = setInterval(() => {
    inFlight = inFlight.then(post);
  }, options.intervalMs ?? DEFAULT_INTERVAL_MS);

  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}

async function findUser(rest: RestClient, handle: string): Promise<User | undefined> {
  let pageToken = '';
  do {
    const page = await rest.get<{ users?: User[]; nextPageToken?: string }>(
      `/v1/users?pageSize=200&pageToken=${encodeURIComponent(pageToken)}`,
    );
    const found = page.users?.find((user) => user.handle === handle);
    if (found) return found;
    pageToken = page.nextPageToken ?? '';
  } while (pageToken !== '');
  return undefined;
}

async function findLiveSession(rest: RestClient, roomId: string): Promise<Session | undefined> {
  const page = await rest.get<{ sessions?: Session[] }>(`/v1/sessions?roomId=${roomId}`);
  return page.sessions?.find((session) => session.state !== 'STREAM_STATE_ENDED');
}
