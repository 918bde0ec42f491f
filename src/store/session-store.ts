/**
 * The analysis session: what every analysis is about. The image (at model resolution),
 * the question in the box and the question asked, the settings, and how the image came:
 * given by the user (analysed here) or opened with its results (a permalink, the history,
 * a file). Every store that runs model work reads its input here and nowhere else, so the
 * analysis, head, ranking, evaluation, token flow and object vs background stores never
 * read one another. What a change of the session clears is declared in resets.ts.
 *
 * This store reads no other store. The loaded model is the backend store's (one level
 * lower still); `loadedModel` reads it for the stores above.
 */
import { create } from "zustand";
import {
  DEFAULT_ATTRIBUTION,
  type AttributionResult,
  type PatchesResult,
  type TargetKind,
} from "../engine";
import type { AnalysisInput, BaselineKind, ModelInfo } from "../workers/inference-types";
import type { NamedRgbaImage } from "./analysis-payload";
import { useBackendStore } from "./backend-store";

export interface UserSettings {
  samples: number;
  alpha: number;
  seed: number;
  baseline: BaselineKind;
  target: TargetKind;
}

export const DEFAULT_SETTINGS: UserSettings = {
  samples: DEFAULT_ATTRIBUTION.samples,
  alpha: DEFAULT_ATTRIBUTION.alpha,
  seed: DEFAULT_ATTRIBUTION.seed,
  baseline: "mean",
  target: "logit",
};

/** The settings an attribution was computed with (an opened one brings its own). */
export function settingsOf(result: AttributionResult): UserSettings {
  return {
    samples: result.settings.samples,
    alpha: result.settings.alpha,
    seed: result.settings.seed,
    baseline: result.baseline === "blank" ? "blank" : "mean",
    target: result.target,
  };
}

/** The object patches an opened analysis's results were computed with. */
export type OpenedMask = PatchesResult["objectMask"];

/**
 * How the session's image came. An opened analysis brings its results, and with them the
 * object mask they used (null when it has no token flow or object vs background result).
 */
export type SessionOrigin = { kind: "new" } | { kind: "opened"; objectMask: OpenedMask | null };

export interface SessionStore {
  image: NamedRgbaImage | null;
  /** The question box's text. */
  question: string;
  /** The question the shown analyses are about (committed by Ask or Run attribution). */
  asked: string;
  settings: UserSettings;
  origin: SessionOrigin;
  setQuestion(question: string): void;
  setSettings(settings: Partial<UserSettings>): void;
  /** Commits the question box as the question analysed (a no-op when it already is). */
  commitQuestion(): void;
  /** A new image the user gave, at model resolution. */
  startImage(image: NamedRgbaImage): void;
  /** An analysis opened with its results: its image, question and (when it has them) settings. */
  open(session: {
    image: NamedRgbaImage | null;
    question: string;
    settings?: UserSettings;
    objectMask?: OpenedMask | null;
  }): void;
  /** What a model call on this session takes, or null without an image. */
  input(): AnalysisInput | null;
}

export const useSessionStore = create<SessionStore>((set, get) => ({
  image: null,
  question: "",
  asked: "",
  settings: DEFAULT_SETTINGS,
  origin: { kind: "new" },

  setQuestion: (question) => set({ question }),
  setSettings: (settings) => set({ settings: { ...get().settings, ...settings } }),
  commitQuestion() {
    const { question, asked } = get();
    if (question !== asked) set({ asked: question });
  },
  startImage: (image) => set({ image, origin: { kind: "new" } }),
  open({ image, question, settings, objectMask = null }) {
    set({
      image,
      question,
      asked: question,
      settings: settings ?? get().settings,
      origin: { kind: "opened", objectMask },
    });
  },
  input() {
    const { image, asked, settings } = get();
    if (image === null) return null;
    return { image, question: asked, baseline: settings.baseline, target: settings.target };
  },
}));

/** The input of the session as it is now (the stores' one way to read it in an action). */
export function sessionInput(): AnalysisInput | null {
  return useSessionStore.getState().input();
}

/** The loaded model's info, or null while the backend starts (or failed to). */
export function loadedModel(): ModelInfo | null {
  const backend = useBackendStore.getState().state;
  return backend.status === "ready" ? backend.report.model : null;
}
