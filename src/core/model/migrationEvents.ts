/**
 * The domain events of one migration, listed when asked: its migrate_vma_setup (or migrate_device_range), then
 * every event of the same task up to the event that ended the sequence (MigrationRecord.closeId), except the
 * kinds that never belong to a migration. The replay used to collect these ids into every record: 35 MB at
 * 1 GiB that nothing read while the model was built; a record now keeps only where its sequence ended.
 */

import type { EventStore } from './store';
import type { MigrationRecord } from './types';
import { DOMAIN_KINDS } from './kinds';

const OUTSIDE_NAMES = new Set<string>(['marker', 'syscall', 'syscall-ret', 'generic', 'function', 'tlb-flush', 'migrate-setup']);
/** By kind index: events that never belong to the task's open migration. */
const OUTSIDE_MIGRATION = Uint8Array.from(DOMAIN_KINDS, (k) => (OUTSIDE_NAMES.has(k) ? 1 : 0));

export function migrationEventIds(store: EventStore, m: MigrationRecord): number[] {
  const out = [m.setupId];
  for (let id = m.setupId + 1; id <= m.closeId; id++) {
    if (store.pid.get(id) === m.pid && OUTSIDE_MIGRATION[store.kind.get(id)] === 0) out.push(id);
  }
  return out;
}
