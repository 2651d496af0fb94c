import { alreadyExists, isUniqueViolation, notFound, type Pool } from '@roomcast/kit';
import { UserRole, type User } from '@roomcast/proto';

interface UserRow {
  id: string;
  handle: string;
  display_name: string;
  role: string;
  create_time: Date;
  update_time: Date;
}

/** Users in PostgreSQL. Roles are stored by their enum name. */
export class UserStore {
  constructor(private readonly pool: Pool) {}

  async create(fields: { handle: string; displayName: string; role: UserRole }): Promise<User> {
    try {
      const result = await this.pool.query<UserRow>(
        `insert into users (handle, display_name, role) values ($1, $2, $3) returning *`,
        [fields.handle, fields.displayName, fields.role],
      );
      return toUser(result.rows[0]!);
    } catch (caught) {
      if (isUniqueViolation(caught)) {
        throw alreadyExists('USER_HANDLE_TAKEN', `the handle "${fields.handle}" is already taken`);
      }
      throw new Error(`creating user ${fields.handle} failed`, { cause: caught });
    }
  }

  async get(id: string): Promise<User> {
    const result = await this.pool.query<UserRow>('select * from users where id = $1', [id]);
    const row = result.rows[0];
    if (!row) throw notFound('USER_NOT_FOUND', `user ${id} does not exist`);
    return toUser(row);
  }

  /** Users with an id above afterId, ascending; one more than limit tells if a page follows. */
  async list(afterId: string, limit: number): Promise<User[]> {
    const result = await this.pool.query<UserRow>(
      'select * from users where id > $1 order by id limit $2',
      [afterId, limit],
    );
    return result.rows.map(toUser);
  }

  async update(id: string, fields: { displayName?: string; role?: UserRole }): Promise<User> {
    const result = await this.pool.query<UserRow>(
      `update users set display_name = coalesce($2, display_name), role = coalesce($3, role),
         update_time = now() where id = $1 returning *`,
      [id, fields.displayName ?? null, fields.role ?? null],
    );
    const row = result.rows[0];
    if (!row) throw notFound('USER_NOT_FOUND', `user ${id} does not exist`);
    return toUser(row);
  }
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    handle: row.handle,
    displayName: row.display_name,
    role: row.role as UserRole,
    createTime: row.create_time,
    updateTime: row.update_time,
  };
}
