/**
 * Which model the explorer runs: the bundled one, or a third-party export the user
 * brought (a folder or a URL). Loading goes through the workers' client (src/client); on
 * success the backend store's model info is replaced, so every view follows the new model
 * (and the app analyses the shown image again with it: useAnalysisWiring).
 */
import { create } from "zustand";
import { analysisClient } from "../client";
import { errorMessage, type DownloadProgress, type PickedFile } from "../engine";
import type { ThirdPartyInfo, ThirdPartySource } from "../workers/third-party-model";
import { useBackendStore } from "./backend-store";

export type ModelSourceState =
  | { status: "bundled" }
  | { status: "loading"; label: string; progress: DownloadProgress | null }
  | { status: "loaded"; label: string; info: ThirdPartyInfo; loadMs: number }
  | { status: "failed"; label: string; error: string };

interface ModelSourceStore {
  state: ModelSourceState;
  /** The graph variant the next load opens: "auto" (the wasm order) or a transformers.js dtype. */
  dtype: string;
  setDtype(dtype: string): void;
  loadFolder(files: PickedFile[]): Promise<void>;
  loadUrl(url: string): Promise<void>;
  /** Stops a load in progress; the model in use before it stays. */
  cancelLoad(): void;
}

export const useModelSourceStore = create<ModelSourceStore>((set, get) => {
  /** The load in progress, and the state to return to when it is cancelled. */
  let current: { before: ModelSourceState; cancelled: boolean } | null = null;

  async function load(where: ThirdPartySource, label: string) {
    if (get().state.status === "loading") return;
    const { dtype } = get();
    const source: ThirdPartySource = dtype === "auto" ? where : { ...where, dtype };
    const attempt = { before: get().state, cancelled: false };
    current = attempt;
    set({ state: { status: "loading", label, progress: null } });
    try {
      const onProgress = (progress: DownloadProgress) => {
        const state = get().state;
        if (state.status === "loading") set({ state: { ...state, progress } });
      };
      const { model, thirdParty } = await analysisClient.loadThirdParty(source, onProgress);
      if (attempt.cancelled) return;
      useBackendStore.setState((store) =>
        store.state.status === "ready"
          ? { state: { ...store.state, report: { ...store.state.report, model } } }
          : store,
      );
      set({ state: { status: "loaded", label, info: thirdParty, loadMs: model.loadMs } });
    } catch (error) {
      if (attempt.cancelled) return; // cancelLoad already restored the state
      set({
        state: {
          status: "failed",
          label,
          error: errorMessage(error),
        },
      });
    }
  }

  return {
    state: { status: "bundled" },
    dtype: "auto",
    setDtype(dtype) {
      set({ dtype });
    },
    cancelLoad() {
      if (!current || get().state.status !== "loading") return;
      current.cancelled = true;
      set({ state: current.before });
      analysisClient.cancelModelLoad();
    },
    async loadFolder(files) {
      if (files.length === 0) return;
      const first = files[0]!.path;
      await load({ kind: "files", files }, first.includes("/") ? first.split("/")[0]! : "folder");
    },
    async loadUrl(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
        if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error();
      } catch {
        set({
          state: { status: "failed", label: url, error: `"${url}" is not an http(s) URL` },
        });
        return;
      }
      const name = parsed.pathname.split("/").filter(Boolean).at(-1) ?? parsed.host;
      await load({ kind: "url", url: parsed.href }, name);
    },
  };
});
