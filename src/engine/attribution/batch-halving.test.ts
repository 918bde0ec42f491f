/** Out-of-memory detection and the halving retry, with failures as the runtimes word them. */
import { describe, expect, it } from "vitest";
import { HeadflowError } from "../errors";
import { HalvingBatch, isOutOfMemory } from "./batch-halving";

describe("isOutOfMemory", () => {
  it("recognises onnxruntime's and the JavaScript engines' allocation failures", () => {
    const failures = [
      // onnxruntime-web wraps the arena's status (bfc_arena.cc) in its run error.
      new Error(
        "failed to call OrtRun(). ERROR_CODE: 6, ERROR_MESSAGE: /onnxruntime/core/framework/bfc_arena.cc:359 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, ...) Failed to allocate memory for requested buffer of size 1698846720",
      ),
      new Error("Can't create a session. failed to allocate a buffer of size 536870912."),
      // Both seen from onnxruntime-web 1.30 (wasm) by scripts/measurements/wasm-oom-repro.ts: a run over the
      // heap, and a single 4 GiB tensor.
      new Error("failed to call OrtRun(). ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc"),
      new Error(
        "failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: /mnt/azure_nvme_temp/_work/1/s/onnxruntime/core/common/safeint.h:17 static void SafeIntExceptionHandler<onnxruntime::OnnxRuntimeException>::SafeIntOnOverflow() Integer overflow",
      ),
      new Error(
        "Non-zero status code returned while running MatMul node. Name:'/model/layers.3/MatMul' Status Message: std::bad_alloc",
      ),
      new Error("Memory allocation failed. Size=1073741824"),
      new RangeError("Array buffer allocation failed"),
      new RangeError("WebAssembly.Memory.grow(): Maximum memory size exceeded"),
      new RangeError("WebAssembly.Memory.grow(): Unable to grow instance memory"),
      new Error("Aborted(Cannot enlarge memory arrays to size 4294967296 bytes (OOM).)"),
      new Error("GPUBuffer creation failed: Out of memory"),
      new Error("the run failed", { cause: new Error("std::bad_alloc") }),
      "bad allocation",
    ];
    for (const failure of failures) expect(isOutOfMemory(failure), String(failure)).toBe(true);
  });

  it("lets other errors through", () => {
    const others = [
      new Error("batch_size must be 1 when sequence_length > 1 and past context is given"),
      new Error("input 'past_key_values.0.key' has an invalid shape"),
      new DOMException("The operation was aborted.", "AbortError"),
      new HeadflowError("bad-model", "model file decoder.onnx is corrupt: protobuf parsing failed"),
      new Error("ROOM 12"),
      undefined,
      null,
    ];
    for (const other of others) expect(isOutOfMemory(other), String(other)).toBe(false);
  });
});

/** A batched run that fails like onnxruntime above `limit` rows: the rows it ran, in order. */
function fakeRun(limit: number, runs: number[]) {
  return async (batch: number) => {
    if (batch > limit)
      throw new Error(
        `failed to call OrtRun(). ERROR_MESSAGE: Failed to allocate memory for requested buffer of size ${batch * 1e8}`,
      );
    runs.push(batch);
    return batch;
  };
}

describe("HalvingBatch", () => {
  it("halves until the run fits, then keeps the smaller batch", async () => {
    const halvings: string[] = [];
    const batch = new HalvingBatch(32, (h) => halvings.push(`${h.from}->${h.to}`));
    const runs: number[] = [];
    expect(await batch.run(fakeRun(10, runs))).toBe(8);
    expect(await batch.run(fakeRun(10, runs))).toBe(8);
    expect(runs).toEqual([8, 8]);
    expect(halvings).toEqual(["32->16", "16->8"]);
    expect(batch.batch).toBe(8);
    expect(batch.describe()).toMatch(
      /^; out of memory at 32 \(.*\), halved to 16; out of memory at 16 \(.*\), halved to 8$/,
    );
  });

  it("ends in a clear error at batch 1", async () => {
    const batch = new HalvingBatch(5);
    const run = batch.run(fakeRun(0, []));
    await expect(run).rejects.toThrow(HeadflowError);
    await expect(run).rejects.toMatchObject({ code: "out-of-memory" });
    await expect(run).rejects.toThrow(
      /^out of memory even at one mask per run \(halved from 5\): the model's weights and one row/,
    );
    expect(batch.halvings.map((h) => h.to)).toEqual([2, 1]);
  });

  it("passes other errors on without retrying", async () => {
    const batch = new HalvingBatch(4);
    let calls = 0;
    await expect(
      batch.run(async () => {
        calls++;
        throw new Error("decode: past batch differs from input batch");
      }),
    ).rejects.toThrow("past batch differs");
    expect(calls).toBe(1);
    expect(batch.batch).toBe(4);
  });
});
