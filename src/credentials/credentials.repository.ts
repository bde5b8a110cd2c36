// credentials/: every query on the credentials table. Rows hold ciphertext only; sealing and
// opening happen in the service, never here.
import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { likeContains, SortSpec } from '../common/pagination';
import { driverCode, isDuplicateKey } from '../database/driver-errors';
import { Credential, CredentialKind } from './credential.entity';

export interface CredentialFilter {
  q?: string;
  kind?: CredentialKind;
}

export type NewCredentialRow = Omit<Credential, 'id'>;
export type CredentialRowPatch = Partial<Pick<Credential, 'name' | 'username' | 'params' | 'secret' | 'keyId'>>;

/** The new ciphertext of one row, as computed by a re-encryption. */
export interface ResealedSecret {
  id: number;
  secret: string;
  keyId: string;
}

@Injectable()
export class CredentialsRepository {
  private readonly credentials: Repository<Credential>;

  constructor(private readonly ds: DataSource) {
    this.credentials = ds.getRepository(Credential);
  }

  findById(id: number): Promise<Credential | null> {
    return this.credentials.findOneBy({ id });
  }

  list(f: CredentialFilter, sort: SortSpec, offset: number, limit: number): Promise<[Credential[], number]> {
    const qb = this.credentials.createQueryBuilder('c');
    const q = f.q?.trim();
    if (q) qb.andWhere('c.name LIKE :q', { q: likeContains(q) });
    if (f.kind) qb.andWhere('c.kind = :kind', { kind: f.kind });
    return qb.orderBy(sort.column, sort.direction).addOrderBy('c.id', sort.direction).skip(offset).take(limit).getManyAndCount();
  }

  /** Inserts unless the name is taken; returns the new row, or null when the name is taken. */
  async insertCredential(row: NewCredentialRow): Promise<Credential | null> {
    try {
      const res = await this.credentials.insert(row);
      return this.findById(Number(res.identifiers[0].id));
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  /**
   * Read-modify-write of one row in a transaction, the row locked (SELECT … FOR UPDATE) so that
   * concurrent changes and a key rotation cannot interleave with it. `change` computes the new
   * values from the locked row; when it throws, nothing is written.
   */
  async updateLocked(id: number, change: (row: Credential) => Promise<CredentialRowPatch>): Promise<'updated' | 'missing' | 'name-taken'> {
    try {
      return await this.ds.transaction(async (em) => {
        const repo = em.getRepository(Credential);
        const row = await repo.createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
        if (!row) return 'missing';
        await repo.update({ id }, { ...(await change(row)), updatedAt: new Date() });
        return 'updated';
      });
    } catch (err) {
      if (isDuplicateKey(err)) return 'name-taken';
      throw err;
    }
  }

  /** How many rows each key id seals; none while the table does not exist yet (a worker may start before the first migration). */
  async countByKeyId(): Promise<Array<{ keyId: string; count: number }>> {
    try {
      const rows: Array<{ keyId: string; count: string | number }> = await this.credentials
        .createQueryBuilder('c').select('c.keyId', 'keyId').addSelect('COUNT(*)', 'count').groupBy('c.keyId').getRawMany();
      return rows.map((r) => ({ keyId: r.keyId, count: Number(r.count) }));
    } catch (err) {
      if (driverCode(err) === 'ER_NO_SUCH_TABLE') return [];
      throw err;
    }
  }

  async deleteCredential(id: number): Promise<boolean> {
    const res = await this.credentials.delete({ id });
    return (res.affected ?? 0) > 0;
  }

  /**
   * Re-encrypts every row in one transaction. All rows are locked (SELECT … FOR UPDATE) and
   * handed to `reseal` at once, which computes every new ciphertext before anything is
   * written: when it throws, nothing changes. Returns how many rows were rewritten.
   */
  async resealAll(reseal: (rows: Credential[]) => ResealedSecret[]): Promise<number> {
    return this.ds.transaction(async (em) => {
      const rows = await em.getRepository(Credential).createQueryBuilder('c').setLock('pessimistic_write').orderBy('c.id', 'ASC').getMany();
      const changes = reseal(rows);
      for (const c of changes) {
        await em.getRepository(Credential).update({ id: c.id }, { secret: c.secret, keyId: c.keyId });
      }
      return changes.length;
    });
  }
}
