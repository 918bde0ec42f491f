/**
 * Out of memory in a batched run ends in a retry at half the batch, not a lost analysis:
 * the batch size is an estimate (batch-budget.ts), and a heap already fragmented by other
 * work can fail below it. Masks already evaluated are kept; only the failed call is run
 * again, at the smaller batch, which later calls keep.
 */
import { HeadflowError, errorMessage } from "../errors";

/**
 * Allocation failures as onnxruntime and the JavaScript engines word them:
 * - onnxruntime's arena (node and web): "Failed to allocate memory for requested buffer of
 *   size N"; onnxruntime-web's session setup: "failed to allocate a buffer of size N";
 *   its other allocators: "Memory allocation failed. Size=N", "Output buffer allocation
 *   failed";
 * - a C++ `new` that fails inside onnxruntime: "std::bad_alloc" ("bad allocation" on MSVC);
 * - V8 when an ArrayBuffer cannot be had: RangeError "Array buffer allocation failed";
 * - a wasm heap that cannot grow: RangeError "WebAssembly.Memory.grow(): Maximum memory
 *   size exceeded" / "Unable to grow instance memory"; emscripten's "Cannot enlarge
 *   memory arrays" / "Aborted(OOM)";
 * - WebGPU and CUDA: "out of memory";
 * - onnxruntime-web when one tensor would pass wasm32's 4 GiB: its size arithmetic's
 *   "SafeIntOnOverflow() Integer overflow".
 *
 * scripts/measurements/wasm-oom-repro.ts shows onnxruntime-web 1.30 failing with "failed to call OrtRun().
 * ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc" when a run needs more than the heap. The
 * session survives, but a failure leaves part of the heap unusable: after one failed
 * 4.5 GiB run a 1.5 GiB run succeeded; after two failures 1.5 GiB failed too and 0.375 GiB
 * ran. So the retry keeps halving rather than trying once.
 */
const OUT_OF_MEMORY = [
  /failed to allocate/i,
  /allocation failed/i,
  /bad_alloc|bad allocation/i,
  /out of memory/i,
  /\bOOM\b/,
  /cannot enlarge memory/i,
  /WebAssembly\.Memory|grow instance memory|maximum memory size/i,
  /SafeIntOnOverflow/,
];

/** Whether `error` (or an error it was caused by) reports that memory ran out. */
export function isOutOfMemory(error: unknown): boolean {
  for (let at = error, depth = 0; at !== undefined && at !== null && depth < 8; depth++) {
    const message = at instanceof Error ? at.message : typeof at === "string" ? at : "";
    if (OUT_OF_MEMORY.some((pattern) => pattern.test(message))) return true;
    at = at instanceof Error ? at.cause : undefined;
  }
  return false;
}

/** One halving: the batch that ran out of memory, the one tried next, and the error. */
export interface Halving {
  from: number;
  to: number;
  message: string;
}

/** A batch size that halves on each out-of-memory failure, down to 1. */
export class HalvingBatch {
  private current: number;
  readonly halvings: Halving[] = [];
  private readonly onHalve: ((halving: Halving) => void) | undefined;

  constructor(initial: number, onHalve?: (halving: Halving) => void) {
    if (!Number.isInteger(initial) || initial < 1)
      throw new RangeError(`HalvingBatch: the batch must be a positive integer (got ${initial})`);
    this.current = initial;
    this.onHalve = onHalve;
  }

  get batch(): number {
    return this.current;
  }

  /**
   * `attempt` at the current batch, again at half of it after each out-of-memory failure;
   * at batch 1 that failure becomes a HeadflowError "out-of-memory". Other errors pass.
   */
  async run<T>(attempt: (batch: number) => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await attempt(this.current);
      } catch (error) {
        if (!isOutOfMemory(error)) throw error;
        const message = errorMessage(error);
        if (this.current === 1) {
          throw new HeadflowError(
            "out-of-memory",
            `out of memory even at one mask per run${this.halvings.length > 0 ? ` (halved from ${this.halvings[0]!.from})` : ""}: the model's weights and one row of its key/value cache do not fit in this runtime's memory; a smaller dtype of the model, or a runtime with more memory, may fit (${message})`,
            { cause: error },
          );
        }
        const halving = { from: this.current, to: Math.floor(this.current / 2), message };
        this.halvings.push(halving);
        this.current = halving.to;
        this.onHalve?.(halving);
      }
    }
  }

  /** The halvings in words, for a result's batch reason ("" when none). */
  describe(): string {
    return this.halvings
      .map((h) => `; out of memory at ${h.from} (${h.message.slice(0, 120)}), halved to ${h.to}`)
      .join("");
  }
}
