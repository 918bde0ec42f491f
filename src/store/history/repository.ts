import type { StoredAnalysis } from "./analysis-record";

/** Where analyses are kept. The app uses IndexedDB; tests use the in-memory one. */
export interface HistoryRepository {
  /** Every stored record, as stored (validated by the caller), in no particular order. */
  list(): Promise<unknown[]>;
  get(id: string): Promise<unknown>;
  put(analysis: StoredAnalysis): Promise<void>;
  delete(id: string): Promise<void>;
}

/** Keeps analyses in memory, copying on the way in and out as IndexedDB does. */
export function createMemoryHistory(initial: unknown[] = []): HistoryRepository {
  const records = new Map<string, unknown>();
  for (const record of initial) {
    records.set(String((record as { id?: unknown }).id), structuredClone(record));
  }
  return {
    async list() {
      return [...records.values()].map((record) => structuredClone(record));
    },
    async get(id) {
      const record = records.get(id);
      return record === undefined ? undefined : structuredClone(record);
    },
    async put(analysis) {
      records.set(analysis.id, structuredClone(analysis));
    },
    async delete(id) {
      records.delete(id);
    },
  };
}
