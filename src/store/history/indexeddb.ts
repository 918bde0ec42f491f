/**
 * The history's IndexedDB storage, on the raw API: one object store of analyses keyed by
 * id. Values are structured clones of plain JSON-like records.
 */
import type { StoredAnalysis } from "./analysis-record";
import type { HistoryRepository } from "./repository";

export const HISTORY_DATABASE = "headflow";
export const HISTORY_DATABASE_VERSION = 1;
export const ANALYSES_STORE = "analyses";

/** Opens (creating on first use) the history database. */
export function openHistoryDatabase(
  name: string = HISTORY_DATABASE,
  factory: IDBFactory = indexedDB,
): Promise<HistoryRepository> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, HISTORY_DATABASE_VERSION);
    request.onupgradeneeded = () => {
      const database = request.result;
      if (!database.objectStoreNames.contains(ANALYSES_STORE)) {
        database.createObjectStore(ANALYSES_STORE, { keyPath: "id" });
      }
    };
    request.onsuccess = () => resolve(repositoryOver(request.result));
    request.onerror = () => reject(requestError(request, "open the history database"));
    request.onblocked = () =>
      reject(new Error("the history database is busy in another tab; close it and reload"));
  });
}

function repositoryOver(database: IDBDatabase): HistoryRepository {
  // Another tab upgrading the schema must not be blocked by this one.
  database.onversionchange = () => database.close();
  const run = <T>(
    mode: IDBTransactionMode,
    action: string,
    operation: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> =>
    new Promise((resolve, reject) => {
      const transaction = database.transaction(ANALYSES_STORE, mode);
      const request = operation(transaction.objectStore(ANALYSES_STORE));
      // Resolve when the transaction commits, so a write is durable once awaited.
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(requestError(request, action));
      transaction.onabort = () => reject(requestError(request, action));
    });
  return {
    list: () => run("readonly", "list the history", (store) => store.getAll()),
    get: (id) => run("readonly", "read an analysis", (store) => store.get(id)),
    put: async (analysis: StoredAnalysis) => {
      await run("readwrite", "save the analysis", (store) => store.put(analysis));
    },
    delete: async (id) => {
      await run("readwrite", "delete the analysis", (store) => store.delete(id));
    },
  };
}

function requestError(request: IDBRequest | IDBOpenDBRequest, action: string): Error {
  let cause: DOMException | null = null;
  try {
    cause = request.error;
  } catch {
    // Reading .error before the request is done throws; the transaction failed first then.
  }
  const detail =
    cause?.name === "QuotaExceededError" ? "the browser's storage is full" : cause?.message;
  return new Error(`could not ${action}${detail ? `: ${detail}` : ""}`, { cause });
}
