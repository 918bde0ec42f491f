/**
 * Image sets in the browser: the sets the user added, each image decoded
 * (image worker) and brought to model resolution (inference worker) as soon as it is added,
 * so a file that is not an image is listed with its reason at once and skipped by the run;
 * the run (attribution of every image, then the scoring worker's per-set means, similarity
 * matrix and permutation test); and the result, whether run here or opened from the JSON
 * that `headflow sets` writes.
 */
import { create } from "zustand";
import {
  type AttributionResult,
  SetsResultSchema,
  type SetsResult,
  DEFAULT_ATTRIBUTION,
  type SetImageResult,
  DEFAULT_PERMUTATIONS,
  type TargetKind,
} from "../engine";
import type { DecodeOutcome } from "../workers/image.worker";
import type { BaselineKind } from "../workers/inference-types";
import { analysisClient, imageDecoder, type Running } from "../client";
import { endedBy, failed } from "./run-state";
import {
  entryOf,
  uniqueName,
  type ImageSet,
  type SetImage,
  type SetImageState,
} from "./sets-entries";
import { setsContextOf } from "./sets-run";

export type { ImageSet, SetImage, SetImageState } from "./sets-entries";

export interface SetsSettings {
  samples: number;
  baseline: BaselineKind;
  target: TargetKind;
  permutations: number;
}

export const DEFAULT_SETS_SETTINGS: SetsSettings = {
  samples: DEFAULT_ATTRIBUTION.samples,
  baseline: "mean",
  target: "logit",
  permutations: DEFAULT_PERMUTATIONS,
};

export type SetsRunState =
  | { status: "idle" }
  | {
      status: "running";
      /** 0-based position of the image being attributed, of `images`. */
      image: number;
      images: number;
      file: string;
      done: number;
      total: number;
      startedAt: number;
      updatedAt: number;
      /** The current image's live estimate (layer-major), NaN until the fit starts. */
      scores: Float64Array;
      layers: number;
      heads: number;
    }
  | { status: "summarising" }
  | { status: "cancelled" }
  | { status: "failed"; message: string };

/** A file to add; `problem`: why it cannot be used (e.g. a download failed), listed as is. */
export interface SetFile {
  file: Blob | null;
  name: string;
  labels?: SetImage["labels"];
  problem?: string;
}

export interface SetsStore {
  sets: ImageSet[];
  settings: SetsSettings;
  run: SetsRunState;
  result: { data: SetsResult; source: "run" | "file" } | null;
  importError: string | null;
  /** A set of files (a dropped folder, several files, or bundled samples). */
  addSet(
    name: string,
    files: readonly SetFile[],
    labels?: { category?: string; style?: string },
  ): Promise<void>;
  updateSet(id: number, change: Partial<Pick<ImageSet, "name" | "category" | "style">>): void;
  removeSet(id: number): void;
  setSettings(settings: Partial<SetsSettings>): void;
  runSets(question: string, shape: { layers: number; heads: number }): Promise<void>;
  cancel(): void;
  openResult(json: unknown): void;
}

/** The sets' own image worker, apart from the explorer's. */
const decode = imageDecoder();

export const useSetsStore = create<SetsStore>((set, get) => {
  let nextId = 0;
  /** The attribution of the set run's current image, to cancel. */
  let current: Running<AttributionResult> | null = null;
  let cancelled = false;

  const updateImage = (setId: number, imageId: number, state: SetImageState) =>
    set({
      sets: get().sets.map((s) =>
        s.id !== setId
          ? s
          : { ...s, images: s.images.map((i) => (i.id === imageId ? { ...i, state } : i)) },
      ),
    });

  /** Decode, then model resolution; one image at a time keeps memory bounded. */
  const prepare = async (setId: number, imageId: number, file: Blob, name: string) => {
    let outcome: DecodeOutcome;
    try {
      outcome = await decode(file, name);
    } catch (error) {
      outcome = { ok: false, ...failed(error, `${name} could not be opened`) };
    }
    if (!outcome.ok) return updateImage(setId, imageId, { status: "failed", ...outcome });
    const { width, height, pixels, preview, thumbnail } = outcome.image;
    preview.close();
    try {
      const small = await analysisClient.prepareImage({ width, height, data: pixels });
      updateImage(setId, imageId, { status: "ready", image: { ...small, name }, thumbnail });
    } catch (error) {
      updateImage(setId, imageId, failed(error, `${name} could not be prepared`));
    }
  };

  return {
    sets: [],
    settings: DEFAULT_SETS_SETTINGS,
    run: { status: "idle" },
    result: null,
    importError: null,

    async addSet(name, files, labels = {}) {
      const id = ++nextId;
      const setName = uniqueName(
        name,
        get().sets.map((s) => s.name),
      );
      const images: SetImage[] = files.map(({ name: fileName, labels: own }) => ({
        id: ++nextId,
        file: `${setName}/${fileName}`,
        labels: own ?? null,
        state: { status: "preparing" },
      }));
      const added: ImageSet = {
        id,
        name: setName,
        category: labels.category ?? "",
        style: labels.style ?? "",
        images,
      };
      set({ sets: [...get().sets, added] });
      for (const [i, { file, name: fileName, problem }] of files.entries()) {
        if (file === null || problem !== undefined) {
          const message = problem ?? `${fileName} could not be read`;
          updateImage(id, images[i]!.id, { status: "failed", message });
        } else await prepare(id, images[i]!.id, file, fileName);
      }
    },

    updateSet(id, change) {
      const taken = get()
        .sets.filter((s) => s.id !== id)
        .map((s) => s.name);
      set({
        sets: get().sets.map((s) => {
          if (s.id !== id) return s;
          const name = change.name !== undefined ? uniqueName(change.name, taken) : s.name;
          // An image's file keeps naming its set, as the CLI's "set/file".
          const images = s.images.map((i) => ({
            ...i,
            file: `${name}/${i.file.slice(s.name.length + 1)}`,
          }));
          return { ...s, ...change, name, images };
        }),
      });
    },

    removeSet(id) {
      set({ sets: get().sets.filter((s) => s.id !== id) });
    },

    setSettings(settings) {
      set({ settings: { ...get().settings, ...settings } });
    },

    async runSets(question, { layers, heads }) {
      const { sets, settings } = get();
      if (sets.some((s) => s.images.some((i) => i.state.status === "preparing"))) {
        set({ run: { status: "failed", message: "Some images are still being prepared." } });
        return;
      }
      const work = sets.flatMap((s) =>
        s.images.flatMap((image) =>
          image.state.status === "ready"
            ? [{ entry: entryOf(s, image), image: image.state.image }]
            : [],
        ),
      );
      if (work.length === 0) {
        set({ run: { status: "failed", message: "No image is ready: add a set first." } });
        return;
      }
      cancelled = false;
      const startedAt = performance.now();
      const images: SetImageResult[] = [];
      let first = null;
      try {
        for (const [index, { entry, image }] of work.entries()) {
          set({
            run: {
              status: "running",
              image: index,
              images: work.length,
              file: entry.file,
              done: 0,
              total: settings.samples,
              startedAt,
              updatedAt: performance.now(),
              scores: new Float64Array(layers * heads).fill(Number.NaN),
              layers,
              heads,
            },
          });
          // Cancelled between two images: the next one does not start.
          if (cancelled) return set({ run: { status: "cancelled" } });
          current = analysisClient.attribute(
            { image, question, baseline: settings.baseline, target: settings.target },
            { samples: settings.samples },
            (update) => {
              const run = get().run;
              if (run.status !== "running" || run.image !== index) return;
              set({
                run: {
                  ...run,
                  done: update.done,
                  total: update.total,
                  updatedAt: performance.now(),
                  ...(update.scores ? { scores: update.scores } : {}),
                },
              });
            },
          );
          const result = await current.result;
          first ??= result;
          images.push({
            index,
            ...entry,
            answer: result.answer.token,
            heldOutR: result.fit.heldOutR,
            scores: result.scores.flat(),
          });
        }
        set({ run: { status: "summarising" } });
        const context = setsContextOf(
          first!,
          work.map((w) => w.entry),
          settings.permutations,
          0,
        );
        const data = await analysisClient.setsResult(
          context,
          images,
          performance.now() - startedAt,
        );
        set({ run: { status: "idle" }, result: { data, source: "run" }, importError: null });
      } catch (error) {
        set({ run: endedBy(error) });
      }
    },

    cancel() {
      if (get().run.status !== "running") return;
      cancelled = true;
      current?.cancel();
    },

    openResult(json) {
      const parsed = SetsResultSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        set({
          importError: `not a headflow.sets/1 result: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "unknown problem"}`,
        });
        return;
      }
      set({ result: { data: parsed.data, source: "file" }, importError: null });
    },
  };
});
