/**
 * The images of `headflow sets`: a JSON list (`--list FILE`: `[{file, set?, category?,
 * style?}]`, files relative to the list) or folders (`--set DIR`, repeatable: the folder's
 * name is the set, its images sorted by name, labels from DIR/labels.json when present).
 */
import { lstat, readdir } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { HeadflowError, errorMessage, type SetEntry } from "../engine";
import { isMissingFileError } from "../engine/node";
import { readJsonFile } from "./analysis-options";

const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".webp", ".gif"]);

export interface SetList {
  entries: SetEntry[];
  /** Absolute path of each entry's file, by index. */
  paths: string[];
}

interface ListItem {
  file: string;
  set?: string;
  category?: string;
  style?: string;
}

function checkItems(value: unknown, path: string): ListItem[] {
  const bad = (why: string) => {
    throw new HeadflowError("bad-argument", `${path}: ${why}`);
  };
  if (!Array.isArray(value)) bad("expected a JSON list of {file, set?, category?, style?}");
  return (value as unknown[]).map((item, i) => {
    const record = item as Record<string, unknown> | null;
    if (typeof record !== "object" || record === null || typeof record.file !== "string")
      bad(`item ${i} has no "file" string`);
    if (record!.file === "") bad(`item ${i}: "file" is empty`);
    // As the browser's labels schema (src/store/sets-labels.ts): a label is a non-empty string.
    for (const key of ["set", "category", "style"]) {
      const value = record![key];
      if (value !== undefined && (typeof value !== "string" || value === ""))
        bad(`item ${i}: "${key}" must be a non-empty string`);
    }
    return record as unknown as ListItem;
  });
}

function entryOf(item: ListItem, fallbackSet: string): SetEntry {
  return {
    file: item.file,
    set: item.set ?? fallbackSet,
    category: item.category ?? null,
    style: item.style ?? null,
  };
}

/**
 * A folder's labels: none when labels.json does not exist; a labels.json that is there but
 * cannot be read, is not JSON or is not a list of items is an error naming the file (read
 * as "no labels", a typo would silently drop every category and style from the test).
 */
async function readFolderLabels(path: string): Promise<ListItem[]> {
  let value: unknown;
  try {
    value = await readJsonFile(path);
  } catch (error) {
    if (!isMissingFileError(error)) throw error;
    // A link whose target is gone is a broken labels.json, not an absent one.
    const dangling = await lstat(path).then(
      (stats) => stats.isSymbolicLink(),
      () => false,
    );
    if (!dangling) return [];
    throw new HeadflowError(
      "bad-argument",
      `cannot read labels ${path}: it is a symbolic link to a missing file`,
    );
  }
  return checkItems(value, path);
}

export async function readSetList(list: string | undefined, folders: string[]): Promise<SetList> {
  if ((list === undefined) === (folders.length === 0)) {
    throw new HeadflowError("bad-argument", "give either --list FILE or one or more --set DIR");
  }
  if (list !== undefined) {
    const items = checkItems(await readJsonFile(list), list);
    const base = dirname(resolve(list));
    const entries = items.map((item) => entryOf(item, item.category ?? "all"));
    return { entries, paths: items.map((item) => resolve(base, item.file)) };
  }
  const entries: SetEntry[] = [];
  const paths: string[] = [];
  for (const folder of folders) {
    const name = basename(resolve(folder));
    let files: string[];
    try {
      files = (await readdir(folder))
        .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
        .sort();
    } catch (error) {
      throw new HeadflowError(
        "bad-argument",
        `cannot read folder ${folder}: ${errorMessage(error)}`,
      );
    }
    if (files.length === 0) throw new HeadflowError("bad-argument", `no image files in ${folder}`);
    const labels = await readFolderLabels(join(folder, "labels.json"));
    const byFile = new Map(labels.map((item) => [basename(item.file), item]));
    for (const file of files) {
      const item = byFile.get(file) ?? { file };
      entries.push(entryOf({ ...item, file: `${name}/${file}`, set: name }, name));
      paths.push(resolve(folder, file));
    }
  }
  return { entries, paths };
}
