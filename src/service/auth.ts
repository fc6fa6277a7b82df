/**
 * API tokens: `eb_<id>_<secret>`, 32 random bytes of secret; the database keeps only the id, a
 * random salt and scrypt(secret, salt), so a leaked table gives no usable token.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { UserError } from '../errors.ts';
import type { Db } from './db/open.ts';
import { apiTokens, ROLES, type Role, users } from './db/schema.ts';

const scrypt = promisify(scryptCallback) as (secret: string, salt: string, keylen: number) => Promise<Buffer>;
const KEY_LENGTH = 32;
const TOKEN_PATTERN = /^eb_([0-9a-f]{16})_([0-9a-f]{64})$/;

export interface AuthUser {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
}

export async function createUser(
  db: Db,
  name: string,
  role: Role = 'user',
): Promise<{ user: AuthUser; token: string }> {
  if (!/^[\w.-]{1,64}$/.test(name))
    throw new UserError(`user name ${JSON.stringify(name)}: use 1–64 letters, digits, _ . -`, { field: 'NAME' });
  if (!ROLES.includes(role)) throw new UserError(`no role ${role} (${ROLES.join(', ')})`, { field: '--role' });
  const existing = await db.select().from(users).where(eq(users.name, name));
  if (existing.length > 0) throw new UserError(`user ${name} exists`, { field: 'NAME' }, 'pick another name');
  const [user] = await db.insert(users).values({ name, role }).returning();
  const token = await issueToken(db, user!.id);
  return { user: { id: user!.id, name: user!.name, role: user!.role }, token };
}

/** A new token for a user; shown once, never stored. */
export async function issueToken(db: Db, userId: number): Promise<string> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('hex');
  const salt = randomBytes(16).toString('hex');
  const hash = (await scrypt(secret, salt, KEY_LENGTH)).toString('hex');
  await db.insert(apiTokens).values({ id, userId, salt, hash });
  return `eb_${id}_${secret}`;
}

/**
 * The user a bearer token belongs to, or null for a malformed, unknown or wrong token. Verified
 * tokens are remembered in memory (by their full text), so scrypt runs once per token per process.
 */
export class TokenVerifier {
  private readonly verified = new Map<string, AuthUser>();
  constructor(private readonly db: Db) {}

  async verify(token: string): Promise<AuthUser | null> {
    const hit = this.verified.get(token);
    if (hit) return hit;
    const m = TOKEN_PATTERN.exec(token);
    if (!m) return null;
    const rows = await this.db
      .select({ salt: apiTokens.salt, hash: apiTokens.hash, id: users.id, name: users.name, role: users.role })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.id, m[1]!));
    const row = rows[0];
    if (!row) return null;
    const actual = await scrypt(m[2]!, row.salt, KEY_LENGTH);
    if (!timingSafeEqual(actual, Buffer.from(row.hash, 'hex'))) return null;
    const user = { id: row.id, name: row.name, role: row.role };
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(token, user);
    return user;
  }
}

export function isMaintainer(user: AuthUser | null): boolean {
  return user !== null && (user.role === 'maintainer' || user.role === 'admin');
}
