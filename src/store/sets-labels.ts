/**
 * Labels of image sets, as `headflow sets` reads them (src/cli/set-list.ts): a JSON list of
 * {file, set?, category?, style?}, either one per folder (DIR/labels.json, files by name)
 * or the bundled sample index (public/samples/sets/labels.json, files relative to it).
 * Parsed with zod so a malformed file gets a one-line reason, never a crash.
 */
import { z } from "zod";

export const LABELS_FILE = "labels.json";

/** A path inside the samples folder: plain names, never "." or "..", never a URL. */
const INSIDE = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

const LabelItemSchema = z.object({
  file: z.string().min(1),
  set: z.string().min(1).optional(),
  category: z.string().min(1).optional(),
  style: z.string().min(1).optional(),
});

export type LabelItem = z.infer<typeof LabelItemSchema>;

/** A labels.json list, or a one-line reason why it is not one. */
export function parseLabels(json: unknown, source: string): LabelItem[] | string {
  const result = z.array(LabelItemSchema).safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return `${source} is not a list of {file, set?, category?, style?}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`;
}

/** The last path segment ("cat/noto-0.png" -> "noto-0.png"). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Labels by file name, for a folder's own labels.json. */
export function labelsByName(items: readonly LabelItem[]): Map<string, LabelItem> {
  return new Map(items.map((item) => [baseName(item.file), item]));
}

/** The bundled sample sets: every image with its set, category and style. */
export interface SampleIndex {
  items: (LabelItem & { set: string; category: string; style: string })[];
  categories: string[];
  styles: string[];
}

export function parseSampleIndex(json: unknown): SampleIndex | string {
  const parsed = parseLabels(json, "samples/sets/labels.json");
  if (typeof parsed === "string") return parsed;
  const items = [];
  for (const item of parsed) {
    const { file, category, style } = item;
    if (!INSIDE.test(file)) return `samples/sets/labels.json: "${file}" is not a path inside it`;
    if (category === undefined || style === undefined) {
      return `samples/sets/labels.json: ${file} needs a category and a style`;
    }
    items.push({ ...item, file, category, style, set: item.set ?? category });
  }
  const unique = (values: string[]) => [...new Set(values)];
  return {
    items,
    categories: unique(items.map((item) => item.category)),
    styles: unique(items.map((item) => item.style)),
  };
}

/** The sample images of the chosen categories and styles, grouped by set (index order). */
export function chooseSamples(
  index: SampleIndex,
  categories: readonly string[],
  styles: readonly string[],
): Map<string, SampleIndex["items"]> {
  const sets = new Map<string, SampleIndex["items"]>();
  for (const item of index.items) {
    if (!categories.includes(item.category) || !styles.includes(item.style)) continue;
    const members = sets.get(item.set) ?? [];
    members.push(item);
    sets.set(item.set, members);
  }
  return sets;
}
