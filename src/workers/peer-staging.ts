/**
 * Shared memory that carries a decode peer's part of each mask batch. Copying the part
 * into fresh buffers to transfer them took 20-43 ms per batch of 16 masks in Chromium
 * (16 new buffers, 8.6 MB), as long as the peer's run of that part, so the peer saved
 * nothing: 2.05 s with it, 2.08 s without (docs/measurements/
 * browser-bench-peer-staging-before.json). Here the part is copied into one
 * SharedArrayBuffer kept between batches, and only views of it travel: 1.30 s
 * (browser-bench-peer-staging.json).
 *
 * A staged request stays valid until the next `stage`: callers stage one request per
 * peer at a time and wait for its answer first (decode-peers.ts queues them).
 */
import type { DecodeRequest } from "../engine";

type KvCache = NonNullable<DecodeRequest["past"]>;

/** Whether this context can share memory with a worker (a cross-origin isolated page). */
export function canShareMemory(): boolean {
  return typeof SharedArrayBuffer !== "undefined" && globalThis.crossOriginIsolated !== false;
}

export class PeerStaging {
  private floats = new Float32Array(new SharedArrayBuffer(0));

  /**
   * `request` with its arrays copied into the shared buffer. A request entering the
   * decoder at layer L (`fromLayer`) reads no cache below L (its entry graph has no input
   * for those layers), so only layers from L on are copied; the layers below are given the
   * first copied layer's view, which has their shape and is never read.
   */
  stage(request: DecodeRequest): DecodeRequest {
    const past = request.past ?? null;
    const from = past ? Math.min(request.fromLayer ?? 0, past.keys.length - 1) : 0;
    const read = past ? [...past.keys.slice(from), ...past.values.slice(from)] : [];
    const floats = read.reduce((sum, layer) => sum + layer.length, request.embeds.length);
    if (this.floats.length < floats)
      this.floats = new Float32Array(
        new SharedArrayBuffer(floats * Float32Array.BYTES_PER_ELEMENT),
      );
    let at = 0;
    const put = (source: Float32Array): Float32Array => {
      const view = this.floats.subarray(at, at + source.length);
      view.set(source);
      at += source.length;
      return view;
    };
    const staged: DecodeRequest = { ...request, embeds: put(request.embeds) };
    if (request.positions) staged.positions = Array.from(request.positions);
    if (past) staged.past = stagedCache(past, from, put);
    return staged;
  }
}

function stagedCache(
  past: KvCache,
  from: number,
  put: (source: Float32Array) => Float32Array,
): KvCache {
  const stageLayers = (layers: readonly Float32Array[]) => {
    const copied = layers.slice(from).map(put);
    return [...layers.slice(0, from).map(() => copied[0]!), ...copied];
  };
  return { ...past, keys: stageLayers(past.keys), values: stageLayers(past.values) };
}
