/**
 * Which sets a dropped or picked folder makes, as `headflow sets --set DIR` reads folders:
 * a folder with files of its own is one set named after it; a folder with only subfolders
 * (e.g. public/samples/sets) gives one set per subfolder. Files outside any folder form one
 * set. Hidden files are ignored; a folder's labels.json is its labels, not an image.
 */
import { LABELS_FILE } from "../../store/sets-labels";

export interface PathFile<F> {
  /** "folder/sub/name.png", or "name.png" for a loose file. */
  path: string;
  file: F;
}

export interface FolderSet<F> {
  name: string;
  /** By file name (sorted, as the CLI sorts a folder). */
  files: { name: string; file: F }[];
  labels: F | null;
}

const isHidden = (name: string) => name.startsWith(".");

export function foldersToSets<F>(files: readonly PathFile<F>[], looseName: string): FolderSet<F>[] {
  const byFolder = new Map<string, FolderSet<F>>();
  const add = (folder: string, setName: string, name: string, file: F) => {
    const entry = byFolder.get(folder) ?? { name: setName, files: [], labels: null };
    byFolder.set(folder, entry);
    if (name === LABELS_FILE) entry.labels = file;
    else entry.files.push({ name, file });
  };
  // Folders with images of their own (a labels.json alone does not make a set).
  const tops = new Set(
    files
      .map((f) => f.path.split("/"))
      .filter((parts) => parts.length === 2 && parts[1] !== LABELS_FILE && !parts.some(isHidden))
      .map((parts) => parts[0]),
  );
  for (const { path, file } of files) {
    const parts = path.split("/");
    const name = parts.at(-1)!;
    if (parts.some(isHidden)) continue;
    if (parts.length === 1) add("", looseName, name, file);
    else if (parts.length === 2) add(parts[0]!, parts[0]!, name, file);
    // A folder with files of its own keeps its subfolders out (the CLI reads one level).
    else if (parts.length === 3 && !tops.has(parts[0]))
      add(`${parts[0]}/${parts[1]}`, parts[1]!, name, file);
  }
  const sets = [...byFolder.values()].filter((s) => s.files.length > 0);
  for (const s of sets) s.files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sets;
}

/**
 * The files of a drop, with their paths. Entries must be taken while the drop event runs
 * (the list is emptied afterwards); folders are then read through the File System API.
 */
export function dropEntries(items: DataTransferItemList): (() => Promise<PathFile<File>[]>)[] {
  return Array.from(items)
    .filter((item) => item.kind === "file")
    .map((item) => {
      const entry = item.webkitGetAsEntry();
      const file = item.getAsFile();
      if (entry !== null) return () => readEntry(entry, "");
      return async () => (file ? [{ path: file.name, file }] : []);
    });
}

async function readEntry(entry: FileSystemEntry, prefix: string): Promise<PathFile<File>[]> {
  const path = prefix + entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    return [{ path, file }];
  }
  if (!entry.isDirectory || path.split("/").length > 3) return [];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries returns at most ~100 entries per call; an empty batch means the end.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map((child) => readEntry(child, `${path}/`)));
  return nested.flat();
}
