/**
 * The sets the user added, as plain data: each image with its state and labels, and how an
 * image becomes an entry of the `headflow sets` list (its own labels, else its set's).
 */
import type { RgbaImage, SetEntry } from "../engine";

export type SetImageState =
  | { status: "preparing" }
  | { status: "ready"; image: RgbaImage & { name: string }; thumbnail: string }
  | { status: "failed"; message: string };

export interface SetImage {
  id: number;
  /** "set/name", as `headflow sets --set DIR` names a folder's files. */
  file: string;
  /** Labels from a labels.json; null: the set's own labels apply. */
  labels: { category: string | null; style: string | null } | null;
  state: SetImageState;
}

export interface ImageSet {
  id: number;
  name: string;
  /** The labels of images that have none of their own ("" = none). */
  category: string;
  style: string;
  images: SetImage[];
}

/** The labels an image is analysed with: its own, else its set's. */
export function entryOf(set: ImageSet, image: SetImage): SetEntry {
  const own = image.labels;
  return {
    file: image.file,
    set: set.name,
    category: own ? own.category : set.category.trim() || null,
    style: own ? own.style : set.style.trim() || null,
  };
}

/** Set names must be unique: the per-set summary is keyed by name. */
export function uniqueName(wanted: string, taken: readonly string[]): string {
  const base = wanted.trim() || "Set";
  if (!taken.includes(base)) return base;
  let n = 2;
  while (taken.includes(`${base} ${n}`)) n++;
  return `${base} ${n}`;
}
