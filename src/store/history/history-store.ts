/**
 * The history of analyses, as the views see it: a list kept in step with storage. Records
 * that no longer validate (written by another version, or edited by hand) are left in the
 * database but not shown; their number is reported so the loss is not silent. Tabs tell
 * each other when they change the history (a BroadcastChannel message), so every open
 * tab's list stays current.
 */
import { create } from "zustand";
import { errorMessage } from "../../engine";
import { byNewestFirst, StoredAnalysisSchema, type StoredAnalysis } from "./analysis-record";
import { openHistoryDatabase } from "./indexeddb";
import type { HistoryRepository } from "./repository";

export type HistoryStatus =
  { status: "loading" } | { status: "ready" } | { status: "failed"; message: string };

export interface HistoryStore {
  state: HistoryStatus;
  /** Newest first. */
  analyses: StoredAnalysis[];
  /** Stored records that could not be read. */
  unreadable: number;
  load(): Promise<void>;
  save(analysis: StoredAnalysis): Promise<void>;
  remove(id: string): Promise<void>;
  /** One analysis, validated; undefined when it does not exist or cannot be read. */
  get(id: string): Promise<StoredAnalysis | undefined>;
}

/** The channel HeadFlow tabs announce history changes on. */
export const HISTORY_CHANNEL = "headflow-history";

export function createHistoryStore(
  openRepository: () => Promise<HistoryRepository>,
  channelName: string | null = HISTORY_CHANNEL,
) {
  let repository: Promise<HistoryRepository> | null = null;
  const connect = () => {
    repository ??= openRepository().catch((error: unknown) => {
      repository = null; // let a later action try again
      throw error;
    });
    return repository;
  };

  // The message carries nothing: a tab that hears it re-reads storage, which it validates.
  const channel =
    channelName !== null && typeof BroadcastChannel !== "undefined"
      ? new BroadcastChannel(channelName)
      : null;
  const announceChange = () => channel?.postMessage("changed");

  const store = create<HistoryStore>((set, get) => {
    const failWith = (error: unknown) => {
      // The connection may be gone (another tab upgraded the database): reopen next time.
      repository = null;
      set({
        state: { status: "failed", message: `History is unavailable: ${errorMessage(error)}` },
      });
    };
    const refresh = async () => {
      const records = await (await connect()).list();
      const analyses: StoredAnalysis[] = [];
      for (const record of records) {
        const parsed = StoredAnalysisSchema.safeParse(record);
        if (parsed.success) analyses.push(parsed.data);
      }
      analyses.sort(byNewestFirst);
      set({ analyses, unreadable: records.length - analyses.length, state: { status: "ready" } });
    };
    return {
      state: { status: "loading" },
      analyses: [],
      unreadable: 0,
      async load() {
        try {
          await refresh();
        } catch (error) {
          failWith(error);
        }
      },
      async save(analysis) {
        const valid = StoredAnalysisSchema.parse(analysis);
        try {
          await (await connect()).put(valid);
          announceChange();
          await refresh();
        } catch (error) {
          failWith(error);
        }
      },
      async remove(id) {
        try {
          await (await connect()).delete(id);
          announceChange();
          // Update at once; a refresh then picks up changes from other tabs.
          set({ analyses: get().analyses.filter((analysis) => analysis.id !== id) });
          await refresh();
        } catch (error) {
          failWith(error);
        }
      },
      async get(id) {
        const parsed = StoredAnalysisSchema.safeParse(await (await connect()).get(id));
        return parsed.success ? parsed.data : undefined;
      },
    };
  });
  if (channel) {
    // Node's channels keep the process alive; a history store there should not.
    (channel as { unref?: () => void }).unref?.();
    channel.onmessage = () => {
      // Only a list already shown is refreshed; a tab that never loaded loads on its own.
      if (store.getState().state.status !== "loading") void store.getState().load();
    };
  }
  return store;
}

export const useHistoryStore = createHistoryStore(() => openHistoryDatabase());
