/**
 * How many ablation masks one model run may take (the batch size), from what a batch row
 * costs and what the runtime can hold. A row of a batched suffix run carries its own copy
 * of the prefix + image key/value cache: small for the bundled model (under 1 MB), about
 * 50 MB for SmolVLM-256M's 1,088 image tokens, so a fixed batch of 32 that suits the one
 * runs the other out of onnxruntime-web's 4 GiB heap.
 *
 * Pure: the runtime's ceiling is handed in (wasmMemory, webgpuMemory, nodeMemory), and so
 * are the weights' bytes, since only the session knows which graphs it opened.
 */

/** The batch size a small model keeps: the fixed default before this choice existed. */
export const DEFAULT_BATCH_CAP = 32;

/**
 * Share of the heap left after the weights that a batch's tensors may fill. onnxruntime's
 * CPU arena extends itself in powers of two (kNextPowerOfTwo), so the memory one run
 * reserves can approach twice what its tensors need, and a wasm heap never shrinks.
 */
export const HEAP_SHARE = 0.5;

/**
 * Heap bytes per byte of the weights' graph files. onnxruntime-web copies the file into
 * its heap to create a session, keeps the initialisers, and keeps the prepacked copies of
 * MatMul weights beside them: creating a session on a 541 MB decoder raised the resident
 * memory by 1,612 MB (scripts/measurements/measure-batch-memory.ts, SmolVLM-256M's decoder geometry).
 */
export const WEIGHT_HEAP_FACTOR = 3;

/** Share of the machine's memory the Node runtime plans with (other processes live too). */
export const NODE_MEMORY_SHARE = 0.5;

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** What the runtime can hold: the ceiling a batch is sized to. */
export interface RuntimeMemory {
  /** Named in the reason: "wasm heap 4 GiB", ... */
  label: string;
  /** Bytes the weights and one run's tensors share. */
  heapBytes: number;
  /** The largest single buffer the runtime can make (WebGPU), when that limits. */
  maxBufferBytes?: number;
}

/**
 * onnxruntime-web's wasm heap: 32-bit addresses, so at most 4 GiB, whatever the machine.
 */
export function wasmMemory(): RuntimeMemory {
  return { label: "wasm heap 4 GiB", heapBytes: 4 * GIB };
}

/** The GPUSupportedLimits a batch depends on (the WebGPU spec's names). */
export interface GpuBufferLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/**
 * The WebGPU spec's guaranteed minimums, for when the adapter's own limits are not known:
 * every adapter offers at least these.
 */
export const WEBGPU_DEFAULT_LIMITS: GpuBufferLimits = {
  maxBufferSize: 256 * MIB,
  maxStorageBufferBindingSize: 128 * MIB,
};

/**
 * onnxruntime-web on WebGPU: inputs (the batched cache) are still copied through the wasm
 * heap before upload, so its 4 GiB bounds the batch too; on the GPU each tensor is one
 * buffer, bounded by the adapter's maxBufferSize and maxStorageBufferBindingSize.
 */
export function webgpuMemory(limits: GpuBufferLimits = WEBGPU_DEFAULT_LIMITS): RuntimeMemory {
  const maxBufferBytes = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  return {
    label: `wasm heap 4 GiB, WebGPU buffers ${formatBytes(maxBufferBytes)}`,
    heapBytes: 4 * GIB,
    maxBufferBytes,
  };
}

/** onnxruntime-node: native memory, planned at NODE_MEMORY_SHARE of the machine's. */
export function nodeMemory(totalBytes: number): RuntimeMemory {
  if (!(totalBytes > 0))
    throw new RangeError(`nodeMemory: total memory must be positive (got ${totalBytes})`);
  return {
    label: `${NODE_MEMORY_SHARE * 100}% of ${formatBytes(totalBytes)} memory`,
    heapBytes: totalBytes * NODE_MEMORY_SHARE,
  };
}

/** The default ceiling of a Headflow runtime label ("onnxruntime-web (webgpu)", ...). */
export function memoryOfRuntime(runtime: string): RuntimeMemory {
  // Node's ceiling needs the machine's memory, which only a Node front end can read: it
  // sets nodeMemory itself. Until then the wasm heap is the smallest ceiling in use.
  return /webgpu/i.test(runtime) ? webgpuMemory() : wasmMemory();
}

/** The shapes of one batched suffix run (ablation: the suffix over the image cache). */
export interface BatchGeometry {
  layers: number;
  /** Key/value heads per layer (the cache's second axis). */
  kvHeads: number;
  /** Query heads per layer (the attention scores' second axis). */
  queryHeads: number;
  headDim: number;
  hiddenSize: number;
  vocab: number;
  /** Cached positions (prefix + image) every row carries. */
  pastLength: number;
  /** Positions run (the text after the image). */
  suffixLength: number;
  /** Bytes per cache element (float32: 4). */
  cacheElementBytes?: number;
}

/** Per batch row, in bytes: what a run holds for each mask. */
export interface RowCost {
  /** The past key/value cache fed in: layers x 2 x kvHeads x pastLength x headDim. */
  cache: number;
  /** The present cache the decoder returns (past + suffix positions), a graph output. */
  present: number;
  /**
   * Activations, an estimate: per suffix token, the attention scores, their softmax and
   * the masked copy (3 x queryHeads x total positions), about 16 hidden-sized vectors
   * (norms, residual, q/k/v, the MLP's wider intermediate) and a vocabulary of logits
   * (a run over the whole decoder returns every position's), all float32.
   */
  activations: number;
  total: number;
  /** The largest single tensor of a row (a layer's present keys, the scores or the logits). */
  largestTensor: number;
}

export function rowCost(g: BatchGeometry): RowCost {
  const element = g.cacheElementBytes ?? 4;
  const total = g.pastLength + g.suffixLength;
  const perLayerHead = g.headDim * element;
  const cache = g.layers * 2 * g.kvHeads * g.pastLength * perLayerHead;
  const present = g.layers * 2 * g.kvHeads * total * perLayerHead;
  const scores = 4 * g.queryHeads * g.suffixLength * total;
  const logits = 4 * g.suffixLength * g.vocab;
  const activations = 4 * g.suffixLength * (3 * g.queryHeads * total + 16 * g.hiddenSize + g.vocab);
  return {
    cache,
    present,
    activations,
    total: cache + present + activations,
    largestTensor: Math.max(g.kvHeads * total * perLayerHead, scores, logits),
  };
}

export interface BatchChoice {
  batch: number;
  /** Why, in a few words: "32 (cache 0.7 MB/row; default cap)". */
  reason: string;
  row: RowCost;
}

/**
 * The batch size for one image's ablation runs: the most rows whose tensors fit in
 * HEAP_SHARE of the heap the weights leave (WEIGHT_HEAP_FACTOR times their bytes) (and, on WebGPU, whose largest tensor fits in
 * one buffer), at most `cap`, at least 1. `weightBytes` undefined: the session did not say,
 * and the whole heap counts as free (the reason says so).
 */
export function chooseBatch(
  geometry: BatchGeometry,
  weightBytes: number | undefined,
  memory: RuntimeMemory,
  cap = DEFAULT_BATCH_CAP,
): BatchChoice {
  for (const [name, value] of Object.entries(geometry)) {
    if (!(Number.isFinite(value) && value >= 0))
      throw new RangeError(`chooseBatch: ${name} must be a non-negative number (got ${value})`);
  }
  if (!Number.isInteger(cap) || cap < 1)
    throw new RangeError(`chooseBatch: cap must be a positive integer (got ${cap})`);
  const row = rowCost(geometry);
  const cacheText = `cache ${formatMb(row.cache)}/row`;
  const weights = weightBytes ?? 0;
  const free = Math.max(0, memory.heapBytes - WEIGHT_HEAP_FACTOR * weights);
  const byHeap = row.total > 0 ? Math.floor((free * HEAP_SHARE) / row.total) : Infinity;
  const byBuffer =
    memory.maxBufferBytes !== undefined && row.largestTensor > 0
      ? Math.floor(memory.maxBufferBytes / row.largestTensor)
      : Infinity;
  const weightText =
    weightBytes === undefined
      ? "weights unknown"
      : `${WEIGHT_HEAP_FACTOR} x ${formatBytes(weights)} of weights`;
  const heapText = `${formatMb(row.total)}/row in all; ${HEAP_SHARE * 100}% of the ${formatBytes(free)} the ${memory.label} leaves after ${weightText}`;
  if (cap <= byHeap && cap <= byBuffer) {
    return { batch: cap, reason: `${cap} (${cacheText}; default cap)`, row };
  }
  const batch = Math.max(1, Math.min(byHeap, byBuffer));
  const limit =
    byBuffer < byHeap
      ? `largest tensor ${formatMb(row.largestTensor)}/row in a ${formatBytes(memory.maxBufferBytes!)} buffer`
      : heapText;
  const overflow = Math.min(byHeap, byBuffer) < 1 ? "; even one row exceeds it" : "";
  return { batch, reason: `${batch} (${cacheText}; ${limit}${overflow})`, row };
}

/** Megabytes (10^6), one decimal: the unit the per-row costs are quoted in. */
export function formatMb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** GiB or MiB, one decimal (whole numbers without it): the unit of heaps and buffers. */
export function formatBytes(bytes: number): string {
  const [value, unit] = bytes >= GIB ? [bytes / GIB, "GiB"] : [bytes / MIB, "MiB"];
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${text} ${unit}`;
}
