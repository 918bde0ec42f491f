import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import type { OrtModule, OrtSession } from "../../model/ort";
import { tilePerRun } from "./vision-tiles";

const VISION = "e2e/fixtures/models/tiny-smolvlm/onnx/vision_encoder.onnx";
const SIDE = 32; // tiny-smolvlm's tile (image_size)
const TILES = 5;

function pixels(tiles: number): Float32Array {
  return Float32Array.from({ length: tiles * 3 * SIDE * SIDE }, (_, i) => Math.sin(i * 0.37 + 0.5));
}

/** Tiles 0 and 3 fully real; the others padded on their right half (mask false there). */
function mask(tiles: number): Uint8Array {
  const out = new Uint8Array(tiles * SIDE * SIDE);
  for (let t = 0; t < tiles; t++)
    for (let y = 0; y < SIDE; y++)
      for (let x = 0; x < SIDE; x++)
        out[(t * SIDE + y) * SIDE + x] = t === 0 || t === 3 || x < SIDE / 2 ? 1 : 0;
  return out;
}

function feeds(tiles: number) {
  return {
    pixel_values: new ort.Tensor("float32", pixels(tiles), [1, tiles, 3, SIDE, SIDE]),
    pixel_attention_mask: new ort.Tensor("bool", mask(tiles), [1, tiles, SIDE, SIDE]),
  };
}

describe("tilePerRun (Idefics3 vision encoders, one tile per run)", () => {
  it("gives the whole-image run's features, tile after tile, in tiles x 1 runs", async () => {
    const session = await ort.InferenceSession.create(readFileSync(VISION));
    const whole = (await session.run(feeds(TILES)))["image_features"]!;
    let runs = 0;
    const counting = new Proxy(session, {
      get(target, key) {
        if (key === "run")
          return (...args: Parameters<OrtSession["run"]>) => {
            runs++;
            return target.run(...args);
          };
        return Reflect.get(target, key) as unknown;
      },
    });
    const tiled = tilePerRun(ort as unknown as OrtModule, counting);
    const out = (await tiled.run(feeds(TILES)))["image_features"]!;
    expect(runs).toBe(TILES);
    expect(out.dims).toEqual(whole.dims);
    expect(out.dims[0]).toBe(TILES);
    const a = whole.data as Float32Array;
    const b = out.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(1e-5);
    // The padded tiles differ from the full ones: the mask reached each tile's run.
    const perTile = a.length / TILES;
    expect(Math.abs(b[perTile]! - b[0]!)).toBeGreaterThan(0);
    // Names and metadata are the session's own.
    expect(tiled.inputNames).toEqual(session.inputNames);
  });

  it("passes a single tile (and inputs without a tile axis) through in one run", async () => {
    const session = await ort.InferenceSession.create(readFileSync(VISION));
    let runs = 0;
    const counting = {
      inputNames: session.inputNames,
      run: (...args: Parameters<OrtSession["run"]>) => {
        runs++;
        return session.run(...args);
      },
    } as unknown as OrtSession;
    const tiled = tilePerRun(ort as unknown as OrtModule, counting);
    const one = (await tiled.run(feeds(1)))["image_features"]!;
    const direct = (await session.run(feeds(1)))["image_features"]!;
    expect(runs).toBe(1);
    expect(Array.from(one.data as Float32Array)).toEqual(Array.from(direct.data as Float32Array));
  });
});
