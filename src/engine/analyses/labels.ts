/** Labelling shared by every analysis's JSON: the image reference and head grids. */
import type { NamedImage } from "../headflow";
import type { ImageRef } from "../results/attribution-results";

export function imageRef(image: NamedImage): ImageRef {
  return { name: image.name, width: image.width, height: image.height };
}

/** Layer-major flat scores -> `[layer][head]` (or patch rows x columns). */
export function headGrid<T>(flat: ArrayLike<T>, layers: number, heads: number): T[][] {
  return Array.from({ length: layers }, (_, l) =>
    Array.from({ length: heads }, (_, h) => flat[l * heads + h]!),
  );
}
