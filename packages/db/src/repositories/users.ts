import type { Db, Tx } from "../client.ts";
import { ConflictError, NotFoundError, isNotFound, isUniqueViolation } from "../errors.ts";

export type Role = "admin" | "editor" | "viewer";

const userFields = {
  id: true,
  email: true,
  role: true,
  disabledAt: true,
  mustChangePassword: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** What the dashboard shows of a user; never the password or invite hashes. */
export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  disabledAt: Date | null;
  mustChangePassword: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserCredentials extends UserRecord {
  passwordHash: string | null;
}

export interface NewUser {
  email: string;
  role: Role;
  passwordHash?: string;
  mustChangePassword?: boolean;
  inviteTokenHash?: string;
  inviteExpiresAt?: Date;
}

export interface UserChanges {
  role?: Role;
  disabledAt?: Date | null;
  passwordHash?: string;
  mustChangePassword?: boolean;
}

/** Serialises changes that could leave the installation without an active admin. */
const ADMIN_SET_LOCK = 0x636f6e63; // "conc"

export function createUserRepository(db: Db | Tx) {
  return {
    list: (): Promise<UserRecord[]> =>
      db.user.findMany({ select: userFields, orderBy: { email: "asc" } }),

    findById: (id: string): Promise<UserRecord | null> =>
      db.user.findUnique({ where: { id }, select: userFields }),

    findCredentialsByEmail: (email: string): Promise<UserCredentials | null> =>
      db.user.findUnique({
        where: { email: email.toLowerCase() },
        select: { ...userFields, passwordHash: true },
      }),

    findCredentialsById: (id: string): Promise<UserCredentials | null> =>
      db.user.findUnique({ where: { id }, select: { ...userFields, passwordHash: true } }),

    /** The user holding a live (unexpired) invite with this token hash. */
    findByInvite: (inviteTokenHash: string, now: Date): Promise<UserRecord | null> =>
      db.user.findFirst({
        where: { inviteTokenHash, inviteExpiresAt: { gt: now }, disabledAt: null },
        select: userFields,
      }),

    countActiveAdmins: (): Promise<number> =>
      db.user.count({ where: { role: "admin", disabledAt: null } }),

    /** Held until the surrounding transaction ends; call it inside one. */
    async lockAdminSet(): Promise<void> {
      await db.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_SET_LOCK})`;
    },

    async create(input: NewUser): Promise<UserRecord> {
      try {
        return await db.user.create({
          data: { ...input, email: input.email.toLowerCase() },
          select: userFields,
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`A user with the email ${input.email} already exists`);
        }
        throw error;
      }
    },

    async update(id: string, changes: UserChanges): Promise<UserRecord> {
      try {
        return await db.user.update({ where: { id }, data: changes, select: userFields });
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`No user has id ${id}`);
        throw error;
      }
    },

    /** Sets the password and consumes the invite, so the link works once. */
    async acceptInvite(id: string, passwordHash: string): Promise<UserRecord> {
      return db.user.update({
        where: { id },
        data: {
          passwordHash,
          inviteTokenHash: null,
          inviteExpiresAt: null,
          mustChangePassword: false,
        },
        select: userFields,
      });
    },

    async delete(id: string): Promise<void> {
      try {
        await db.user.delete({ where: { id } });
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`No user has id ${id}`);
        throw error;
      }
    },
  };
}
