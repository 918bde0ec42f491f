/**
 * Turns what the user gave (folder sets, bundled samples) into the sets store's files,
 * with labels from labels.json; a problem with a file becomes a listed reason, never a
 * thrown error.
 */
import { errorMessage } from "../../engine";
import {
  labelsByName,
  parseLabels,
  type LabelItem,
  type SampleIndex,
} from "../../store/sets-labels";
import type { SetFile } from "../../store/sets-store";
import type { FolderSet } from "./folder-sets";

const labelsOf = (item: LabelItem | undefined) =>
  item ? { category: item.category ?? null, style: item.style ?? null } : undefined;

export async function folderSetFiles(folder: FolderSet<File>): Promise<SetFile[]> {
  let labels = new Map<string, LabelItem>();
  const problems: SetFile[] = [];
  if (folder.labels !== null) {
    const source = `${folder.name}/labels.json`;
    let parsed: LabelItem[] | string;
    try {
      parsed = parseLabels(JSON.parse(await folder.labels.text()), source);
    } catch (error) {
      parsed = `${source} is not JSON: ${errorMessage(error)}`;
    }
    if (typeof parsed === "string") {
      problems.push({ file: null, name: "labels.json", problem: `${parsed} (labels ignored)` });
    } else labels = labelsByName(parsed);
  }
  const files = folder.files.map(({ name, file }): SetFile => {
    const own = labelsOf(labels.get(name));
    return { file, name, ...(own ? { labels: own } : {}) };
  });
  return [...files, ...problems];
}

/** Downloads the chosen sample images of one set (files relative to `baseUrl`). */
export async function sampleSetFiles(
  items: SampleIndex["items"],
  baseUrl: string,
): Promise<SetFile[]> {
  return Promise.all(
    items.map(async (item): Promise<SetFile> => {
      const name = item.file.slice(item.file.lastIndexOf("/") + 1);
      const labels = { category: item.category, style: item.style };
      try {
        const response = await fetch(`${baseUrl}${item.file}`);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return { file: await response.blob(), name, labels };
      } catch (error) {
        return {
          file: null,
          name,
          labels,
          problem: `${name} could not be downloaded: ${errorMessage(error)}`,
        };
      }
    }),
  );
}
