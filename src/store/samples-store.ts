/**
 * The gallery of bundled sample images, read from public/samples/samples.json. The gallery
 * is optional: when the manifest is missing or malformed the intake simply shows none.
 */
import { create } from "zustand";
import { z } from "zod";

/** A path inside public/samples/: plain names and folders, never "." or "..", never a URL. */
const insideSamples = (extension: string) =>
  new RegExp(`^(?!.*(^|/)\\.\\.?(/|$))[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\\.(${extension})$`);

const SampleSchema = z.looseObject({
  /** The image the model gets: a PNG at model resolution. */
  file: z.string().regex(insideSamples("png")),
  /** Optionally, the same scene drawn larger for the thumbnail. */
  display: z.string().regex(insideSamples("png|webp")).optional(),
  category: z.string().min(1),
  style: z.string().min(1),
});

export const SampleManifestSchema = z.array(SampleSchema);

export type SampleImage = z.infer<typeof SampleSchema>;

export type SamplesState =
  | { status: "loading" }
  | { status: "ready"; samples: SampleImage[]; baseUrl: string }
  | { status: "unavailable"; reason: string };

export const SAMPLES_BASE_URL = `${import.meta.env.BASE_URL}samples/`;

/** Parses the manifest; a problem is returned as a reason rather than thrown. */
export function parseSampleManifest(json: unknown): SampleImage[] | string {
  const result = SampleManifestSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return `samples.json is malformed at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`;
}

export function sampleUrl(baseUrl: string, sample: SampleImage): string {
  return `${baseUrl}${sample.file}`;
}

/** What the gallery shows: the display-size drawing when there is one. */
export function thumbnailUrl(baseUrl: string, sample: SampleImage): string {
  return `${baseUrl}${sample.display ?? sample.file}`;
}

/** A short description, for the thumbnail's accessible name. */
export function describeSample(sample: SampleImage): string {
  return `${sample.category} (${sample.style})`;
}

interface SamplesStore {
  state: SamplesState;
  load(): Promise<void>;
}

export function createSamplesStore(fetchJson: (url: string) => Promise<Response>, baseUrl: string) {
  return create<SamplesStore>((set) => ({
    state: { status: "loading" },
    async load() {
      try {
        const response = await fetchJson(`${baseUrl}samples.json`);
        if (!response.ok) {
          set({
            state: { status: "unavailable", reason: `samples.json: HTTP ${response.status}` },
          });
          return;
        }
        const parsed = parseSampleManifest(await response.json());
        set({
          state:
            typeof parsed === "string"
              ? { status: "unavailable", reason: parsed }
              : { status: "ready", samples: parsed, baseUrl },
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        set({ state: { status: "unavailable", reason: `samples.json: ${reason}` } });
      }
    },
  }));
}

export const useSamplesStore = createSamplesStore((url) => fetch(url), SAMPLES_BASE_URL);

/** Downloads a sample image, to decode it like any file the user gives. */
export async function fetchSample(baseUrl: string, sample: SampleImage): Promise<Blob> {
  const failed = (why: string) =>
    new Error(`The sample ${sample.file} could not be loaded (${why}).`);
  let response: Response;
  try {
    response = await fetch(sampleUrl(baseUrl, sample));
  } catch (error) {
    throw failed(error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) throw failed(`HTTP ${response.status}`);
  return response.blob();
}
