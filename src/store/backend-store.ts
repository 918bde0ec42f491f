import { create } from "zustand";
import { analysisClient } from "../client";
import { errorMessage } from "../engine";
import { parseBackendPreference } from "../workers/backend-choice";
import type { BackendReport } from "../workers/inference-types";

export const BUNDLED_MODEL_URL = new URL(
  `${import.meta.env.BASE_URL}models/emoji-vlm/`,
  window.location.origin,
).href;

type BackendState =
  | { status: "starting" }
  | { status: "ready"; report: BackendReport }
  | { status: "failed"; error: string };

interface BackendStore {
  state: BackendState;
  /** Starts the inference worker on the backend the URL asks for (?backend=auto|webgpu|wasm). */
  start(search: string): Promise<void>;
}

export const useBackendStore = create<BackendStore>((set) => ({
  state: { status: "starting" },
  async start(search) {
    set({ state: { status: "starting" } });
    try {
      const preference = parseBackendPreference(new URLSearchParams(search).get("backend"));
      const report = await analysisClient.startModel(preference, BUNDLED_MODEL_URL);
      set({ state: { status: "ready", report } });
    } catch (error) {
      set({ state: { status: "failed", error: errorMessage(error) } });
    }
  },
}));
