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
  type StopMode,
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
  /** "auto": stop sampling once the estimate is stable (the attribution's stopping rule). */
  stop: StopMode;
}

export const DEFAULT_SETTINGS: UserSettings = {
  samples: DEFAULT_ATTRIBUTION.samples,
  alpha: DEFAULT_ATTRIBUTION.alpha,
  seed: DEFAULT_ATTRIBUTION.seed,
  baseline: "mean",
  target: "logit",
  stop: DEFAULT_ATTRIBUTION.stop ?? "off",
};

/** The settings an attribution was computed with (an opened one brings its own). */
export function settingsOf(result: AttributionResult): UserSettings {
  return {
    samples: result.settings.samples,
    alpha: result.settings.alpha,
    seed: result.settings.seed,
    baseline: result.baseline === "blank" ? "blank" : "mean",
    target: result.target,
    // A result written before the stopping rule existed ran every sample.
    stop: result.settings.stop ?? "off",
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
  input() {
    const { image, asked, settings } = get();
    if (image === null) return null;
    return { image, question: asked, baseline: settings.baseline, target: settings.target };
  },
}));

/*
 * The stores above read the session through these, in their actions (views subscribe to
 * the store itself).
 */

/** The input of the session as it is now. */
export function sessionInput(): AnalysisInput | null {
  return useSessionStore.getState().input();
}

/** The session's image as it is now. */
export function sessionImage(): NamedRgbaImage | null {
  return sessionInput()?.image ?? null;
}

/** The session's settings as they are now. */
export function sessionSettings(): UserSettings {
  return useSessionStore.getState().settings;
}

/** A new image the user gave, at model resolution: a new session. */
export function startImage(image: NamedRgbaImage): void {
  useSessionStore.setState({ image, origin: { kind: "new" } });
}

/**
 * An analysis opened with its results: its image (none for a CLI file), question and,
 * when it has an attribution, that attribution's settings (otherwise the user's stay).
 */
export function openSession(opened: {
  image: NamedRgbaImage | null;
  question: string;
  settings?: UserSettings;
  objectMask?: OpenedMask | null;
}): void {
  const { image, question, settings, objectMask = null } = opened;
  useSessionStore.setState((session) => ({
    image,
    question,
    asked: question,
    settings: settings ?? session.settings,
    origin: { kind: "opened", objectMask },
  }));
}

/** Commits the question box as the question asked; then the session's input. */
export function commitQuestion(): AnalysisInput | null {
  useSessionStore.setState((session) =>
    session.question === session.asked ? session : { asked: session.question },
  );
  return sessionInput();
}

/** The loaded model's info, or null while the backend starts (or failed to). */
export function loadedModel(): ModelInfo | null {
  const backend = useBackendStore.getState().state;
  return backend.status === "ready" ? backend.report.model : null;
}
