// common/: a token's "last used" time, written at most once a minute per token, so that a
// script or a fleet of agents using one token at once writes its row once, not per request.
import { Repository } from 'typeorm';

const EVERY_MS = 60_000;

/** Sets last_used_at = now on the row unless it was set within the last minute. */
export async function touchLastUsed(repo: Repository<{ id: number; lastUsedAt: Date | null }>, id: number, now: Date): Promise<void> {
  await repo
    .createQueryBuilder()
    .update()
    .set({ lastUsedAt: now })
    .where('id = :id AND (last_used_at IS NULL OR last_used_at < :cutoff)', { id, cutoff: new Date(now.getTime() - EVERY_MS) })
    .execute();
}
