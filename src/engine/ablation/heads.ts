import { HeadflowError } from "../errors";

/** A head of the language model: layer and head index, both 0-based. */
export interface HeadRef {
  layer: number;
  head: number;
}

/** Heads are written `L.H`, 0-based (layer 3, head 5 is `3.5`). */
export function formatHead({ layer, head }: HeadRef): string {
  return `${layer}.${head}`;
}

/** Parses `L.H[,L.H...]`, checking each head exists in a `layers x heads` model. */
export function parseHeadList(text: string, layers: number, heads: number): HeadRef[] {
  const parts = text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (parts.length === 0) {
    throw new HeadflowError("bad-argument", "no heads given: write them as L.H,L.H (0-based)");
  }
  return parts.map((part) => {
    const match = /^(\d+)\.(\d+)$/.exec(part);
    if (!match) {
      throw new HeadflowError("bad-argument", `bad head "${part}": write heads as L.H (0-based)`);
    }
    const layer = Number(match[1]);
    const head = Number(match[2]);
    if (layer >= layers || head >= heads) {
      throw new HeadflowError(
        "bad-argument",
        `head ${part} does not exist: the model has layers 0..${layers - 1} and heads 0..${heads - 1}`,
      );
    }
    return { layer, head };
  });
}

/** Flat index of a head in layer-major order (the order of masks and score vectors). */
export function headIndex({ layer, head }: HeadRef, heads: number): number {
  return layer * heads + head;
}
