/**
 * `headflow sets --job-dir DIR`: one shard of a resumable job. Images already finished
 * (by key: model, image bytes, settings) are reused, each new one is stored as soon as it
 * is done, DIR/state/shard-I-of-N.json follows the progress, and the shard's result goes
 * to DIR/shard-I-of-N.json.
 */
import { mkdir, stat } from "node:fs/promises";
import {
  HeadflowError,
  errorMessage,
  setsFingerprint,
  type SetEntry,
  type SetImageResult,
  type SetsContext,
} from "../../engine";
import { ImageStore, fileSha256, type LookupOutcome } from "./image-store";
import { ShardJournal, shardResultPath, stateFolder, type ShardRef } from "./shard-state";
import { writeJsonAtomic } from "./atomic-json";

type SetsShaping = Omit<SetsContext, "fingerprint" | "total" | "runtime">;

/** The job folder: created when absent; anything but a folder is refused. */
export async function openJobDir(dir: string): Promise<void> {
  const kind = await stat(dir).then(
    (stats) => (stats.isDirectory() ? "folder" : "not a folder"),
    () => "absent",
  );
  if (kind === "not a folder")
    throw new HeadflowError("bad-argument", `--job-dir ${dir} exists and is not a folder`);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new HeadflowError(
      "bad-argument",
      `cannot create --job-dir ${dir}: ${errorMessage(error)}`,
    );
  }
}

const REASONS: Partial<Record<LookupOutcome, string>> = {
  stale: "its stored result was made with another model, image or settings",
  corrupt: "its stored result is incomplete or corrupt",
};

export interface SetsJobOptions {
  dir: string;
  shard: ShardRef;
  entries: readonly SetEntry[];
  paths: readonly string[];
  baselinePath: string | null;
  /** A stored result that is not reused (why, in words). */
  onRecompute?: (index: number, file: string, why: string) => void;
}

export class SetsJob {
  private readonly options: SetsJobOptions;
  private readonly images: ImageStore;
  private readonly journal: ShardJournal;
  private fingerprinted = false;

  private constructor(options: SetsJobOptions, baselineSha256: string | null) {
    this.options = options;
    this.images = new ImageStore({
      dir: options.dir,
      pathOf: (index) => options.paths[index]!,
      baselineSha256,
      onLookup: (index, outcome) => {
        const why = REASONS[outcome];
        if (why) options.onRecompute?.(index, options.entries[index]!.file, why);
      },
    });
    this.journal = new ShardJournal(options.dir, options.shard, options.entries.length);
  }

  static async open(options: SetsJobOptions): Promise<SetsJob> {
    await openJobDir(options.dir);
    const baseline = options.baselinePath === null ? null : await fileSha256(options.baselinePath);
    const job = new SetsJob(options, baseline);
    await job.images.open();
    await mkdir(stateFolder(options.dir), { recursive: true });
    return job;
  }

  get resultPath(): string {
    return shardResultPath(this.options.dir, this.options.shard);
  }

  /** runSets' `onStart`. */
  begin = (start: number, end: number): Promise<void> => this.journal.begin(start, end);

  /** runSets' `store`. */
  readonly store = {
    find: async (index: number, entry: SetEntry, shaping: SetsShaping) => {
      if (!this.fingerprinted) {
        this.journal.fingerprint(setsFingerprint(this.options.entries, shaping));
        this.fingerprinted = true;
      }
      const image = await this.images.find(index, entry, shaping);
      if (image) await this.journal.imageDone(true);
      return image;
    },
    save: async (image: SetImageResult) => {
      await this.images.save(image);
      await this.journal.imageDone(false);
    },
    failed: (index: number, entry: SetEntry, error: unknown) =>
      this.images.failed(index, entry, error),
  };

  /** Writes the shard's result, then marks the shard finished. */
  async finish(result: unknown): Promise<void> {
    await writeJsonAtomic(this.resultPath, result);
    await this.journal.finish();
  }
}
