/**
 * The order of the similarity matrix's rows and columns: images grouped by category (then
 * style) or by style (then category), so blocks along the diagonal show whether head
 * choice follows what an image shows or how it is drawn. Unlabelled images go last.
 */
export type GroupBy = "category" | "style";

export interface LabelledImage {
  category: string | null;
  style: string | null;
}

export interface MatrixGroup {
  label: string;
  /** First and one-past-last position in `order`. */
  start: number;
  end: number;
}

export interface MatrixLayout {
  /** Image indices in display order. */
  order: number[];
  groups: MatrixGroup[];
}

const UNLABELLED = "(unlabelled)";

export function matrixLayout(images: readonly LabelledImage[], by: GroupBy): MatrixLayout {
  const other: GroupBy = by === "category" ? "style" : "category";
  const firstSeen = (key: GroupBy) => {
    const seen = new Map<string, number>();
    images.forEach((image) => {
      const value = image[key];
      if (value !== null && !seen.has(value)) seen.set(value, seen.size);
    });
    // Labels keep the order they first appear in (the list's order), unlabelled last.
    return (value: string | null) => (value === null ? seen.size : seen.get(value)!);
  };
  const primary = firstSeen(by);
  const secondary = firstSeen(other);
  const order = images
    .map((_, i) => i)
    .sort(
      (a, b) =>
        primary(images[a]![by]) - primary(images[b]![by]) ||
        secondary(images[a]![other]) - secondary(images[b]![other]) ||
        a - b,
    );
  const groups: MatrixGroup[] = [];
  order.forEach((imageIndex, position) => {
    const label = images[imageIndex]![by] ?? UNLABELLED;
    const last = groups.at(-1);
    if (last && last.label === label) last.end = position + 1;
    else groups.push({ label, start: position, end: position + 1 });
  });
  return { order, groups };
}
