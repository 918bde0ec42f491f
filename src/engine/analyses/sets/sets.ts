/**
 * Image sets (paper finding 2): attribution for every image of one or more labelled sets;
 * per set the mean and standard error of every head's score; the image x image Pearson
 * similarity of attribution vectors; and the semantic-vs-appearance permutation test.
 *
 * A large set can be split into shards (`shardRange`) run in separate processes; merging
 * their per-image results and summarising once gives exactly what one run gives, because
 * both go through `summariseSets` over the same images in the same (list) order, and each
 * image's attribution depends only on the image and the settings (the same mask seed for
 * every image, which also makes the images' scores directly comparable).
 */
import { HeadflowError } from "../../errors";
import { semanticVsAppearance, similarityMatrix, type SemanticTest } from "./similarity";

/** One image of a set list: its file and labels. */
export interface SetEntry {
  file: string;
  set: string;
  category: string | null;
  style: string | null;
}

/** The attribution of one image, as a set analysis keeps it. */
export interface SetImageResult extends SetEntry {
  /** Position in the full list. */
  index: number;
  /** The model's (clean) answer token. */
  answer: string;
  heldOutR: number | null;
  /** Attribution scores, layer-major (layers x heads). */
  scores: number[];
}

export interface SetSummary {
  name: string;
  count: number;
  /** Per head (layer-major): mean score over the set's images. */
  mean: number[];
  /** Per head: sample standard deviation / sqrt(count); null for a single image. */
  standardError: (number | null)[];
}

export interface SetsSummary {
  sets: SetSummary[];
  similarity: (number | null)[][];
  test: SemanticTest | null;
}

/** Mean and standard error per head for each set, in order of first appearance. */
export function setSummaries(images: readonly SetImageResult[]): SetSummary[] {
  const names = [...new Set(images.map((image) => image.set))];
  return names.map((name) => {
    const members = images.filter((image) => image.set === name);
    const size = members[0]!.scores.length;
    const n = members.length;
    const mean = Array.from(
      { length: size },
      (_, h) => members.reduce((sum, m) => sum + m.scores[h]!, 0) / n,
    );
    const standardError = mean.map((mu, h) => {
      if (n < 2) return null;
      const variance = members.reduce((sum, m) => sum + (m.scores[h]! - mu) ** 2, 0) / (n - 1);
      return Math.sqrt(variance / n);
    });
    return { name, count: n, mean, standardError };
  });
}

export function summariseSets(
  images: readonly SetImageResult[],
  permutations: number,
  seed: number,
): SetsSummary {
  const similarity = similarityMatrix(images.map((image) => image.scores));
  return {
    sets: setSummaries(images),
    similarity,
    test: semanticVsAppearance(similarity, images, permutations, seed),
  };
}

/** Images [start, end) of shard `index` (1-based) of `count` over `total` images. */
export function shardRange(total: number, index: number, count: number): [number, number] {
  return [Math.floor(((index - 1) * total) / count), Math.floor((index * total) / count)];
}

/** Parses `i/n` (1-based: `1/4` .. `4/4`). */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new HeadflowError("bad-argument", `--shard must be i/n with 1 <= i <= n (got "${text}")`);
  }
  return { index, count };
}

/**
 * A short fingerprint of a set list and the settings that shape its results, so shards of
 * different lists or settings are never merged (FNV-1a, 32 bit, hex).
 */
export function fingerprint(value: unknown): string {
  const text = JSON.stringify(value);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** One shard's part of a merge: its images, what run it belongs to, and its name. */
export interface ShardPart {
  /** How the shard is named in messages (its file). */
  name?: string;
  fingerprint: string;
  total: number;
  shard?: { index: number; count: number };
  images: readonly SetImageResult[];
}

/** `2, 5-7, 9` for sorted integers. */
export function compactRanges(values: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    parts.push(i === j ? `${values[i]}` : `${values[i]}-${values[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}

/** The shards of I/N splits absent from `parts` (those that say which shard they are). */
function missingShards(parts: readonly ShardPart[]): string[] {
  const counts = [...new Set(parts.flatMap((p) => (p.shard ? [p.shard.count] : [])))];
  return counts.flatMap((count) => {
    const present = new Set(
      parts.filter((p) => p.shard?.count === count).map((p) => p.shard!.index),
    );
    return Array.from({ length: count }, (_, i) => i + 1)
      .filter((index) => !present.has(index))
      .map((index) => `${index}/${count}`);
  });
}

/**
 * Checks that shards (of one list and settings, by fingerprint) hold every image exactly
 * once, and returns the images in list order. Refusals name the files, the differing
 * fingerprints, and the missing shards and image indices.
 */
export function collectShardImages(parts: readonly ShardPart[]): SetImageResult[] {
  const first = parts[0];
  if (!first)
    throw new HeadflowError("bad-argument", "nothing to merge: give at least one shard file");
  const nameOf = (part: ShardPart, i: number) => part.name ?? `shard ${i + 1}`;
  const byIndex = new Map<number, SetImageResult>();
  for (const [i, part] of parts.entries()) {
    if (part.fingerprint !== first.fingerprint || part.total !== first.total) {
      throw new HeadflowError(
        "bad-argument",
        `cannot merge: ${nameOf(part, i)} has fingerprint ${part.fingerprint} (${part.total} images) but ${nameOf(first, 0)} has ${first.fingerprint} (${first.total} images); they come from different image lists or settings`,
      );
    }
    for (const image of part.images) {
      if (byIndex.has(image.index)) {
        throw new HeadflowError(
          "bad-argument",
          `image ${image.index} (${image.file}) is in two shards (the second: ${nameOf(part, i)})`,
        );
      }
      byIndex.set(image.index, image);
    }
  }
  const missing = Array.from({ length: first.total }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const shards = missingShards(parts);
    throw new HeadflowError(
      "bad-argument",
      `the shards miss ${missing.length} of ${first.total} images (list indices ${compactRanges(missing)})${shards.length > 0 ? `; missing shards: ${shards.join(", ")}` : ""}`,
    );
  }
  return Array.from({ length: first.total }, (_, i) => byIndex.get(i)!);
}
