/**
 * Idefics3 / SmolVLM vision encoders run one tile at a time. Their `pixel_values` are
 * `[batch, tiles, 3, H, W]` and every tile is a separate image to the encoder (its
 * attention stays within the tile; Idefics3's vision model takes them as a batch of
 * `batch * tiles` images), so the features of one run over all tiles are the per-tile
 * runs' features one after the other. What changes is the memory: SmolVLM-256M's 17 tiles
 * of 1,024 patches in one run hold 17 x 12 heads x 1024 x 1024 float32 attention scores,
 * 856 MB per tensor, several at once, inside onnxruntime-web's 4 GiB wasm heap beside the
 * weights; one tile needs a seventeenth of that (docs/THIRD_PARTY_MODELS.md, "Real scale").
 * Any other input shape (LLaVA's `[batch, 3, H, W]`, one tile) runs as it is.
 */
import type { OrtModule, OrtSession, OrtTensor } from "../../model/ort";

type Run = (
  feeds: Record<string, OrtTensor>,
  ...rest: unknown[]
) => Promise<Record<string, OrtTensor>>;

/** The `tile`-th of `tiles` equal slices along axis 1 of a `[1, tiles, ...]` tensor. */
function tileOf(ort: OrtModule, tensor: OrtTensor, tile: number, tiles: number): OrtTensor {
  const data = tensor.data as Float32Array | Uint8Array;
  const size = data.length / tiles;
  return new ort.Tensor(
    tensor.type as "float32",
    data.subarray(tile * size, (tile + 1) * size) as Float32Array,
    [1, 1, ...tensor.dims.slice(2)],
  );
}

export function tilePerRun(ort: OrtModule, session: OrtSession): OrtSession {
  const own = (session.run as Run).bind(session);
  const run: Run = async (feeds, ...rest) => {
    const pixels = feeds["pixel_values"];
    const tiles = pixels?.dims.length === 5 && pixels.dims[0] === 1 ? pixels.dims[1]! : 1;
    if (tiles <= 1) return own(feeds, ...rest);
    // Every feed with the tile axis (pixel_values, pixel_attention_mask) is sliced.
    const tiled = Object.entries(feeds).filter(([, t]) => t.dims[0] === 1 && t.dims[1] === tiles);
    const parts: OrtTensor[] = [];
    for (let tile = 0; tile < tiles; tile++) {
      const one: Record<string, OrtTensor> = { ...feeds };
      for (const [name, tensor] of tiled) one[name] = tileOf(ort, tensor, tile, tiles);
      const out = await own(one, ...rest);
      const features = out["image_features"];
      if (!features) throw new Error("the vision encoder gave no image_features");
      parts.push(features);
    }
    const length = parts.reduce((n, t) => n + (t.data as Float32Array).length, 0);
    const joined = new Float32Array(length);
    let offset = 0;
    for (const part of parts) {
      joined.set(part.data as Float32Array, offset);
      offset += (part.data as Float32Array).length;
    }
    const [first, ...restDims] = parts[0]!.dims;
    return { image_features: new ort.Tensor("float32", joined, [first! * tiles, ...restDims]) };
  };
  return new Proxy(session, {
    get(target, key) {
      if (key === "run") return run;
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function"
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
