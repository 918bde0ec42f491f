/** The batch size from a row's memory and the runtime's ceiling, on worked numbers. */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_BATCH_CAP,
  HEAP_SHARE,
  WEIGHT_HEAP_FACTOR,
  chooseBatch,
  formatBytes,
  memoryOfRuntime,
  nodeMemory,
  rowCost,
  wasmMemory,
  webgpuMemory,
  type BatchGeometry,
} from "./batch-budget";

const GIB = 1024 ** 3;

/**
 * SmolVLM-256M's decoder (30 layers, 9 query / 3 key-value heads of 64, hidden 576,
 * vocabulary 49,280) over 1,100 cached positions (17 x 64 = 1,088 image tokens and a short
 * prefix) and a 12-token suffix.
 */
const smolvlm: BatchGeometry = {
  layers: 30,
  kvHeads: 3,
  queryHeads: 9,
  headDim: 64,
  hiddenSize: 576,
  vocab: 49280,
  pastLength: 1100,
  suffixLength: 12,
};

describe("rowCost", () => {
  it("counts SmolVLM-256M's cache, present cache and activations per row (by hand)", () => {
    const row = rowCost(smolvlm);
    // cache: 30 x 2 x 3 x 1100 x 64 x 4 = 180 x 1100 = 198,000; x 256 = 50,688,000 bytes.
    expect(row.cache).toBe(50_688_000);
    // present: 180 x 1112 = 200,160; x 256 = 51,240,960.
    expect(row.present).toBe(51_240_960);
    // activations: 4 x 12 x (3 x 9 x 1112 + 16 x 576 + 49,280)
    //   = 48 x (30,024 + 9,216 + 49,280) = 48 x 88,520 = 4,248,960.
    expect(row.activations).toBe(4_248_960);
    expect(row.total).toBe(50_688_000 + 51_240_960 + 4_248_960);
    // largest tensor: the logits, 4 x 12 x 49,280 = 2,365,440 (a layer's present keys:
    // 3 x 1112 x 64 x 4 = 854,016; the scores: 4 x 9 x 12 x 1112 = 480,384).
    expect(row.largestTensor).toBe(2_365_440);
  });

  it("takes the cache's element size (2 for float16)", () => {
    const half = rowCost({ ...smolvlm, cacheElementBytes: 2 });
    expect(half.cache).toBe(50_688_000 / 2);
    expect(half.present).toBe(51_240_960 / 2);
    expect(half.activations).toBe(4_248_960);
  });
});

/** The largest batch whose rows fit, counted up one row at a time (a second formula). */
function countRows(rowBytes: number, budget: number, cap: number): number {
  let batch = 0;
  while (batch < cap && (batch + 1) * rowBytes <= budget) batch++;
  return Math.max(1, batch);
}

describe("chooseBatch", () => {
  it("sizes SmolVLM-256M's batch to half the wasm heap the weights leave", () => {
    // 512 MiB of weights take 3 x 512 MiB = 1.5 GiB of heap: 4 - 1.5 = 2.5 GiB left; half:
    // 1,342,177,280 bytes; a row takes 106,177,920, so 12 rows (1,274,135,040) fit and 13
    // (1,380,312,960) do not.
    const choice = chooseBatch(smolvlm, GIB / 2, wasmMemory());
    expect(WEIGHT_HEAP_FACTOR).toBe(3);
    expect(choice.batch).toBe(12);
    expect(choice.batch).toBe(countRows(106_177_920, 2.5 * GIB * HEAP_SHARE, DEFAULT_BATCH_CAP));
    expect(choice.reason).toBe(
      "12 (cache 50.7 MB/row; 106.2 MB/row in all; 50% of the 2.5 GiB the wasm heap 4 GiB leaves after 3 x 512 MiB of weights)",
    );
  });

  it("keeps the default of 32 for a small model, and says so", () => {
    // The bundled model's shape: 8 layers of 8 heads of 16, 80 cached positions.
    const small = { ...smolvlm, layers: 8, kvHeads: 8, queryHeads: 8, headDim: 16 };
    const choice = chooseBatch(
      { ...small, hiddenSize: 128, vocab: 171, pastLength: 80 },
      5e6,
      wasmMemory(),
    );
    // cache: 8 x 2 x 8 x 80 x 16 x 4 = 655,360 bytes.
    expect(choice).toMatchObject({ batch: 32, reason: "32 (cache 0.7 MB/row; default cap)" });
  });

  it("plans with half of a Node machine's memory", () => {
    // 16 GiB machine: 8 GiB planned, 8 - 1.5 = 6.5 GiB after the weights, 3.25 GiB for a
    // batch: 3,489,660,928 / 106,177,920 = 32.9 rows, so the cap of 32 holds.
    expect(chooseBatch(smolvlm, GIB / 2, nodeMemory(16 * GIB)).batch).toBe(32);
    // 4 GiB machine: 2 GiB planned, 0.5 GiB left, 256 MiB for a batch: 268,435,456 /
    // 106,177,920 = 2.5 rows.
    const small = chooseBatch(smolvlm, GIB / 2, nodeMemory(4 * GIB));
    expect(small.batch).toBe(2);
    expect(small.reason).toContain("the 50% of 4 GiB memory leaves after 3 x 512 MiB of weights");
  });

  it("keeps each row's largest tensor within one WebGPU buffer", () => {
    // A huge vocabulary: a row's logits are 4 x 50 x 100,000 = 20,000,000 bytes; the spec's
    // minimum binding size of 128 MiB (134,217,728) holds 6 of them. The heap would allow
    // 2 GiB / (6,400 + 9,600 + 20,115,600) = 106 rows.
    const wide: BatchGeometry = {
      layers: 1,
      kvHeads: 1,
      queryHeads: 1,
      headDim: 8,
      hiddenSize: 8,
      vocab: 100_000,
      pastLength: 100,
      suffixLength: 50,
    };
    expect(rowCost(wide)).toMatchObject({ cache: 6_400, present: 9_600, activations: 20_115_600 });
    const choice = chooseBatch(wide, 0, webgpuMemory(), 1000);
    expect(choice.batch).toBe(6);
    expect(choice.reason).toBe(
      "6 (cache 0.0 MB/row; largest tensor 20.0 MB/row in a 128 MiB buffer)",
    );
    expect(chooseBatch(wide, 0, wasmMemory(), 1000).batch).toBe(106);
    // An adapter with larger limits: the smaller of its two limits counts.
    const big = webgpuMemory({ maxBufferSize: 2 * GIB, maxStorageBufferBindingSize: GIB });
    expect(chooseBatch(wide, 0, big, 1000).batch).toBe(Math.floor(GIB / 20_000_000));
  });

  it("answers 1 and says so when not even one row fits", () => {
    // 1.4 GiB of weights take 4.2 GiB of heap: nothing is left.
    const choice = chooseBatch(smolvlm, 1.4 * GIB, wasmMemory());
    expect(choice.batch).toBe(1);
    expect(choice.reason).toMatch(/^1 \(cache 50\.7 MB\/row; .* even one row exceeds it\)$/);
    const weightsUnknown = chooseBatch(smolvlm, undefined, wasmMemory());
    // 2 GiB / 106,177,920 = 20.2 rows.
    expect(weightsUnknown.batch).toBe(20);
    expect(weightsUnknown.reason).toContain("weights unknown");
  });

  it("refuses geometry it cannot size", () => {
    expect(() => chooseBatch({ ...smolvlm, pastLength: Number.NaN }, 0, wasmMemory())).toThrow(
      "pastLength must be a non-negative number",
    );
    expect(() => chooseBatch(smolvlm, 0, wasmMemory(), 0)).toThrow(
      "cap must be a positive integer",
    );
    expect(() => nodeMemory(0)).toThrow("total memory must be positive");
  });
});

describe("runtime ceilings", () => {
  it("reads the runtime label: WebGPU's buffer limits, else the wasm heap", () => {
    expect(memoryOfRuntime("onnxruntime-web (webgpu)").maxBufferBytes).toBe(128 * 1024 ** 2);
    expect(memoryOfRuntime("onnxruntime-web (wasm)")).toEqual(wasmMemory());
    expect(wasmMemory().heapBytes).toBe(2 ** 32);
  });

  it("formats heaps in GiB/MiB", () => {
    expect(formatBytes(4 * GIB)).toBe("4 GiB");
    expect(formatBytes(1.5 * GIB)).toBe("1.5 GiB");
    expect(formatBytes(128 * 1024 ** 2)).toBe("128 MiB");
  });
});
