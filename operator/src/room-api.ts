/**
 * The operator's view of the Room service: the five calls it makes, with deadlines, and the
 * gRPC failures sorted into what the reconciler does about them.
 */
import { credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { callUnary, errorCodeOf, isServiceError } from '@roomcast/kit';
import { RoomServiceClient, type ChatSettings, type Room } from '@roomcast/proto';

/** What the operator wants a room to be. */
export interface DesiredRoom {
  slug: string;
  title: string;
  owner: string;
  chat: ChatSettings;
}

/** Options of {@link RoomApi}. */
export interface RoomApiOptions {
  /** host:port of the Room service. */
  address: string;
  /** Deadline of each call; default 5000 ms. */
  deadlineMs?: number;
}

/**
 * How a failed call is handled. unavailable: the service cannot be reached, retry with
 * backoff; rejected: the service refused the spec, nothing changes until the spec does;
 * failed: anything else, retried with backoff.
 */
export type RoomApiFailure = 'unavailable' | 'rejected' | 'failed';

/** A failed Room service call, with the gRPC status, the Roomcast code and what was attempted. */
export class RoomApiError extends Error {
  readonly failure: RoomApiFailure;
  readonly grpcCode: number | undefined;
  readonly code: string | undefined;

  constructor(attempted: string, cause: unknown) {
    const grpc = isServiceError(cause) ? cause : undefined;
    const detail = grpc ? grpc.details || grpc.message : String(cause);
    super(`${attempted}: ${detail}`, { cause });
    this.name = 'RoomApiError';
    this.grpcCode = grpc?.code;
    this.code = grpc ? errorCodeOf(grpc) : undefined;
    this.failure = failureOf(grpc);
  }
}

const UNAVAILABLE = new Set<number>([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]);
const REJECTED = new Set<number>([GrpcStatus.INVALID_ARGUMENT, GrpcStatus.FAILED_PRECONDITION]);

function failureOf(error: ServiceError | undefined): RoomApiFailure {
  if (error && UNAVAILABLE.has(error.code)) return 'unavailable';
  if (error && REJECTED.has(error.code)) return 'rejected';
  return 'failed';
}

/** The Room service client the reconciler uses. */
export class RoomApi {
  private readonly client: RoomServiceClient;
  private readonly deadlineMs: number;

  constructor(options: RoomApiOptions) {
    this.deadlineMs = options.deadlineMs ?? 5_000;
    this.client = new RoomServiceClient(options.address, credentials.createInsecure(), {
      // grpc-js waits up to 2 minutes between reconnects by default; a Room service that comes
      // back must be found within seconds, so Rooms become Ready on their own.
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 2_000,
      'grpc.keepalive_time_ms': 30_000,
    });
  }

  /** The room with `slug`, archived or not, if one exists. */
  async findBySlug(slug: string): Promise<Room | undefined> {
    const response = await this.call('looking up room by slug', this.client.listRooms, {
      slug,
      includeArchived: true,
      pageSize: 1,
      pageToken: '',
    });
    return response.rooms[0];
  }

  /** The room with `roomId`, or undefined when the service has no such room. */
  async get(roomId: string): Promise<Room | undefined> {
    try {
      return await this.call(`reading room ${roomId}`, this.client.getRoom, { roomId });
    } catch (caught) {
      if (caught instanceof RoomApiError && caught.grpcCode === GrpcStatus.NOT_FOUND) {
        return undefined;
      }
      throw caught;
    }
  }

  /** Creates the room; undefined when its slug is already taken (the caller looks it up). */
  async create(room: DesiredRoom): Promise<Room | undefined> {
    try {
      return await this.call(`creating room ${room.slug}`, this.client.createRoom, room);
    } catch (caught) {
      if (caught instanceof RoomApiError && caught.grpcCode === GrpcStatus.ALREADY_EXISTS) {
        return undefined;
      }
      throw caught;
    }
  }

  /** Sets the given fields of room `roomId`. */
  update(
    roomId: string,
    fields: { title?: string; owner?: string; chat?: ChatSettings },
  ): Promise<Room> {
    return this.call(`updating room ${roomId}`, this.client.updateRoom, { roomId, ...fields });
  }

  /** Archives room `roomId`; archiving twice is fine, a missing room counts as archived. */
  async archive(roomId: string): Promise<void> {
    try {
      await this.call(`archiving room ${roomId}`, this.client.archiveRoom, { roomId });
    } catch (caught) {
      if (caught instanceof RoomApiError && caught.grpcCode === GrpcStatus.NOT_FOUND) return;
      throw caught;
    }
  }

  close(): void {
    this.client.close();
  }

  private async call<Req, Res>(
    attempted: string,
    method: Parameters<typeof callUnary<Req, Res>>[1],
    request: Req,
  ): Promise<Res> {
    try {
      return await callUnary(this.client, method, request, { deadlineMs: this.deadlineMs });
    } catch (caught) {
      throw new RoomApiError(attempted, caught);
    }
  }
}
