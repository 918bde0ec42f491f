/**
 * A VlmSession that shares each batched decode with peers: other copies of the same model
 * running elsewhere (in the browser, each in a worker of its own, on its own wasm
 * instance). Batch rows are independent, so a batch of ablation runs cut into contiguous
 * parts, one run by this session and one by each peer at the same time, gives the same
 * logits as the whole batch run here, in about 1 / (peers + 1) of the time when the cores
 * are free. On wasm this is coarser than onnxruntime's own threads, which synchronise at
 * every operator of a small model.
 *
 * Only runs whose result is the logits are shared (mask runs); a run that wants the cache,
 * residuals or attention stays here. A peer that fails is dropped and its part rerun here,
 * so a lost worker costs time, never a result.
 */
import type { KvCache } from "./kv";
import type {
  AnalysisRequest,
  AnalysisResult,
  DecodeRequest,
  DecodeResult,
  SessionMemory,
  VlmSession,
} from "./session";

/** What a peer must do: the decode of `VlmSession`, on an identical model. */
export interface DecodePeer {
  decode(request: DecodeRequest): Promise<DecodeResult>;
}

/** Batches smaller than this run whole here: splitting them saves less than it costs. */
export const MIN_SPLIT_BATCH = 4;

/** `[start, end)` row ranges cutting `batch` rows into `parts` near-equal contiguous parts. */
export function rowRanges(batch: number, parts: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let part = 0; part < parts; part++) {
    const start = Math.floor((batch * part) / parts);
    const end = Math.floor((batch * (part + 1)) / parts);
    if (end > start) ranges.push([start, end]);
  }
  return ranges;
}

/** Rows `[start, end)` of a batch-first array whose rows hold `rowSize` values each. */
const rows = (data: Float32Array, rowSize: number, start: number, end: number) =>
  data.subarray(start * rowSize, end * rowSize);

function sliceCache(cache: KvCache, start: number, end: number): KvCache {
  const rowSize = cache.heads * cache.length * cache.headDim;
  return {
    ...cache,
    batch: end - start,
    keys: cache.keys.map((layer) => rows(layer, rowSize, start, end)),
    values: cache.values.map((layer) => rows(layer, rowSize, start, end)),
  };
}

/** The request for rows `[start, end)` of `request` (views, not copies). */
export function sliceRequest(request: DecodeRequest, start: number, end: number): DecodeRequest {
  const perRow = request.embeds.length / request.batch;
  const part: DecodeRequest = {
    ...request,
    batch: end - start,
    embeds: rows(request.embeds, perRow, start, end),
  };
  if (request.past) part.past = sliceCache(request.past, start, end);
  return part;
}

function concatenate(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Whether a decode can be shared: its only result is the logits, over enough rows. */
export function isSplittable(request: DecodeRequest): boolean {
  return (
    request.batch >= MIN_SPLIT_BATCH &&
    request.wantPresent !== true &&
    request.wantResiduals !== true &&
    request.embeds.length % request.batch === 0
  );
}

export class SplitSession implements VlmSession {
  readonly dims: VlmSession["dims"];
  readonly attentionUnavailable?: string;
  layerEntry?: () => Promise<boolean>;
  memory?: () => SessionMemory;
  private readonly inner: VlmSession;
  private peers: DecodePeer[] = [];
  /** Told when a peer fails and is dropped (the worker logs it). */
  private readonly onPeerLost: (error: unknown) => void;

  constructor(inner: VlmSession, onPeerLost: (error: unknown) => void = () => {}) {
    this.inner = inner;
    this.dims = inner.dims;
    this.onPeerLost = onPeerLost;
    if (inner.attentionUnavailable !== undefined)
      this.attentionUnavailable = inner.attentionUnavailable;
    if (inner.layerEntry) this.layerEntry = () => inner.layerEntry!();
    if (inner.memory) this.memory = () => inner.memory!();
  }

  /** The peers that share decodes from now on (none: every run is this session's). */
  setPeers(peers: readonly DecodePeer[]): void {
    this.peers = [...peers];
  }

  get peerCount(): number {
    return this.peers.length;
  }

  encodeImage(pixelValues: Float32Array, batch: number): Promise<Float32Array> {
    return this.inner.encodeImage(pixelValues, batch);
  }

  embed(ids: readonly number[]): Promise<Float32Array> {
    return this.inner.embed(ids);
  }

  async decode(request: DecodeRequest): Promise<DecodeResult> {
    const peers = this.peers;
    if (peers.length === 0 || !isSplittable(request)) return this.inner.decode(request);
    const ranges = rowRanges(request.batch, peers.length + 1);
    const [own, ...shared] = ranges.map(([start, end]) => sliceRequest(request, start, end));
    const results = await Promise.all([
      this.inner.decode(own!),
      ...shared.map((part, i) => this.peerDecode(peers[i]!, part)),
    ]);
    return { logits: concatenate(results.map((result) => result.logits)) };
  }

  decodeAnalysis(request: AnalysisRequest): Promise<AnalysisResult> {
    return this.inner.decodeAnalysis(request);
  }

  release(): Promise<void> {
    this.peers = [];
    return this.inner.release();
  }

  /** A peer's part, or (after dropping a peer that failed) the same part run here. */
  private async peerDecode(peer: DecodePeer, part: DecodeRequest): Promise<DecodeResult> {
    try {
      return await peer.decode(part);
    } catch (error) {
      this.peers = this.peers.filter((p) => p !== peer);
      this.onPeerLost(error);
      return this.inner.decode(part);
    }
  }
}
