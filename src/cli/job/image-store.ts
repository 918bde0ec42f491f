/**
 * The resumable per-image store of `headflow sets --job-dir DIR`: each finished image's
 * result is written atomically to DIR/images/<index>.json as soon as it is done, under a
 * key (SHA-256) of everything that shapes it: the model, the image file's bytes, the
 * image's labels, the baseline (its image's bytes too) and the attribution settings. A
 * re-run reuses a stored result only when its key matches; a mismatched, partial or
 * corrupt file is recomputed and replaced, never reused.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage, type SetEntry, type SetImageResult, type SetsContext } from "../../engine";
import { writeJsonAtomic } from "./atomic-json";

export const IMAGE_RECORD_SCHEMA = "headflow.sets-image/1";
export const FAILURE_RECORD_SCHEMA = "headflow.sets-image-failure/1";

type SetsShaping = Omit<SetsContext, "fingerprint" | "total" | "runtime">;

/** Why a stored image was not reused (for the log), or "reused". */
export type LookupOutcome = "reused" | "absent" | "corrupt" | "stale" | "unreadable-image";

export interface ImageRecord {
  schema: typeof IMAGE_RECORD_SCHEMA;
  key: string;
  image: SetImageResult;
}

/** SHA-256 of a file's bytes, streamed; null when it is not a readable regular file. */
export async function fileSha256(path: string): Promise<string | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest("hex");
  } catch {
    return null;
  }
}

/**
 * The key of one image's result. Only what shapes that result goes in: the permutation
 * test's settings do not (they act on the summary), so changing them reuses every image.
 */
export function imageKey(
  shaping: SetsShaping,
  entry: SetEntry,
  index: number,
  imageSha256: string,
  baselineSha256: string | null,
): string {
  const { permutations: _p, permutationSeed: _s, ...perImage } = shaping;
  const text = JSON.stringify({ perImage, entry, index, imageSha256, baselineSha256 });
  return createHash("sha256").update(text).digest("hex");
}

function isImageResult(value: unknown, index: number, entry: SetEntry, size: number): boolean {
  const image = value as Partial<SetImageResult> | null;
  return (
    typeof image === "object" &&
    image !== null &&
    image.index === index &&
    image.file === entry.file &&
    image.set === entry.set &&
    image.category === entry.category &&
    image.style === entry.style &&
    typeof image.answer === "string" &&
    (image.heldOutR === null || typeof image.heldOutR === "number") &&
    Array.isArray(image.scores) &&
    image.scores.length === size &&
    image.scores.every((score) => typeof score === "number" && Number.isFinite(score))
  );
}

export interface ImageStoreOptions {
  /** The job folder. */
  dir: string;
  /** The image file of list entry `index`. */
  pathOf: (index: number) => string;
  /** SHA-256 of the baseline image file, for an `image:FILE` baseline. */
  baselineSha256?: string | null;
  /** Each lookup's outcome, e.g. for a log line when a stale result is recomputed. */
  onLookup?: (index: number, outcome: LookupOutcome) => void;
}

export class ImageStore {
  private readonly options: ImageStoreOptions;
  private readonly folder: string;
  /** Keys of the images looked up, so `save` writes the key `find` computed. */
  private readonly keys = new Map<number, string>();

  constructor(options: ImageStoreOptions) {
    this.options = options;
    this.folder = join(options.dir, "images");
  }

  static recordPath(dir: string, index: number): string {
    return join(dir, "images", `${index}.json`);
  }

  static failurePath(dir: string, index: number): string {
    return join(dir, "images", `${index}.failed.json`);
  }

  async open(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
  }

  async find(index: number, entry: SetEntry, shaping: SetsShaping): Promise<SetImageResult | null> {
    const outcome = await this.lookup(index, entry, shaping);
    this.options.onLookup?.(index, outcome.kind);
    return outcome.kind === "reused" ? outcome.image : null;
  }

  private async lookup(
    index: number,
    entry: SetEntry,
    shaping: SetsShaping,
  ): Promise<
    { kind: "reused"; image: SetImageResult } | { kind: Exclude<LookupOutcome, "reused"> }
  > {
    const imageSha256 = await fileSha256(this.options.pathOf(index));
    // An unreadable image has no key: it is attributed, and fails there with a clear error.
    if (imageSha256 === null) return { kind: "unreadable-image" };
    const key = imageKey(shaping, entry, index, imageSha256, this.options.baselineSha256 ?? null);
    this.keys.set(index, key);
    let text: string;
    try {
      text = await readFile(ImageStore.recordPath(this.options.dir, index), "utf8");
    } catch {
      return { kind: "absent" };
    }
    let record: Partial<ImageRecord>;
    try {
      record = JSON.parse(text) as Partial<ImageRecord>;
    } catch {
      return { kind: "corrupt" };
    }
    const size = shaping.layers * shaping.heads;
    if (record?.schema !== IMAGE_RECORD_SCHEMA || !isImageResult(record.image, index, entry, size))
      return { kind: "corrupt" };
    if (record.key !== key) return { kind: "stale" };
    return { kind: "reused", image: record.image! };
  }

  async save(image: SetImageResult): Promise<void> {
    const key = this.keys.get(image.index);
    // No key (the image file could not be hashed before): nothing that could be checked later.
    if (key === undefined) return;
    const record: ImageRecord = { schema: IMAGE_RECORD_SCHEMA, key, image };
    await writeJsonAtomic(ImageStore.recordPath(this.options.dir, image.index), record);
    await unlink(ImageStore.failurePath(this.options.dir, image.index)).catch(() => undefined);
  }

  async failed(index: number, entry: SetEntry, error: unknown): Promise<void> {
    await writeJsonAtomic(ImageStore.failurePath(this.options.dir, index), {
      schema: FAILURE_RECORD_SCHEMA,
      index,
      file: entry.file,
      error: errorMessage(error),
      at: new Date().toISOString(),
    });
  }
}
