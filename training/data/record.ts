/**
 * The per-scene metadata written to scenes.jsonl (format: docs/BUNDLE.md, "Dataset
 * files"), built from a sampled scene and its 64 px rendering.
 */
import type { BackgroundKind } from "./backgrounds.ts";
import { type QA, makeQA } from "./questions.ts";
import type { Style } from "./categories.ts";
import { toBytes } from "./palette.ts";
import {
  alphaBox,
  type Box,
  GRID,
  IMAGE_SIZE,
  patchCoverage,
  type RenderedScene,
  type SceneSpec,
} from "./scene.ts";

export interface SceneRecord {
  index: number;
  seed: number;
  category: string;
  style: Style;
  /** Main object's box [x0, y0, x1, y1] in pixels, x1/y1 exclusive, clipped to the image. */
  box: Box;
  /** Degrees, clockwise on screen. */
  rotation: number;
  /** Longest side of the object's tight crop, as a fraction of the image side. */
  scale: number;
  /** Colour given to a monochrome sprite (0..255), absent for coloured styles. */
  tint?: [number, number, number];
  background: { kind: BackgroundKind; color: string; rgb: [number, number, number] };
  distractors: { category: string; style: Style; box: Box; front: boolean }[];
  /** Visible alpha coverage of each patch by the main object, GRID*GRID, row-major. */
  patchCoverage: number[];
  qa: QA[];
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function buildRecord(spec: SceneSpec, rendered: RenderedScene): SceneRecord {
  const size = IMAGE_SIZE;
  const box = alphaBox(rendered.mainAlpha, size);
  if (!box) throw new Error(`scene ${spec.index}: main object is empty`);
  const distractors = spec.distractors.map((d, i) => {
    const dBox = alphaBox(rendered.distractorAlpha[i] as Float32Array, size);
    if (!dBox) throw new Error(`scene ${spec.index}: distractor ${d.category} is empty`);
    return { category: d.category, style: d.style, box: dBox, front: d.front ?? false };
  });
  const record: SceneRecord = {
    index: spec.index,
    seed: spec.seed,
    category: spec.main.category,
    style: spec.style,
    box,
    rotation: round(spec.main.placement.rotation, 2),
    scale: round(spec.main.placement.extent, 4),
    ...(spec.main.tint ? { tint: toBytes(spec.main.tint) } : {}),
    background: {
      kind: spec.background.kind,
      color: spec.background.color,
      rgb: toBytes(spec.background.rgb),
    },
    distractors,
    patchCoverage: patchCoverage(rendered.mainVisible, size, GRID).map((c) => round(c, 3)),
    qa: makeQA({
      category: spec.main.category,
      backgroundColor: spec.background.color,
      box,
      size,
      existsCategory: spec.exists.category,
      existsPresent: spec.exists.present,
    }),
  };
  return record;
}
