/**
 * Starting the decode peers (decode-peer.worker.ts) the inference worker shares its mask
 * runs with, and the one-way copy each request needs on its way there.
 */
import * as Comlink from "comlink";
import { runsInTurn, type DecodePeer, type DecodeRequest } from "../engine";
import type { DecodePeerApi } from "./decode-peer.worker";
import { PeerStaging, canShareMemory } from "./peer-staging";

/**
 * Peers started when `tune` does not say: on the 2-core machine one peer (all the cores
 * allow beside a 1-thread worker) took the default attribution from 2.17 s to 1.30 s
 * with nothing else running (README, docs/measurements/browser-bench-peer-staging.json).
 * More cores get up to three: each peer holds a whole copy of the bundled model, and more
 * were not measured.
 */
export const DEFAULT_DECODE_PEERS = 3;

/**
 * How many of the `requested` peers to start: none on WebGPU (one device queue), and no
 * more than the cores hold beside the inference worker at its thread count.
 */
export function decodePeerCount(
  requested: number,
  cores: number,
  wasmThreads: number,
  backend: string,
): number {
  if (backend !== "wasm") return 0;
  const room = Math.floor(cores / Math.max(1, wasmThreads)) - 1;
  return Math.max(0, Math.min(requested, room));
}

/**
 * The part of a request a peer receives where memory cannot be shared (a page that is not
 * cross-origin isolated), in buffers of its own: posting a view would copy the whole
 * buffer behind it, and the runner reuses its buffers between batches, so they are copied
 * once here and moved (transferred). Elsewhere parts travel in shared memory
 * (peer-staging.ts), which is much cheaper.
 */
export function ownedRequest(request: DecodeRequest): {
  request: DecodeRequest;
  buffers: ArrayBuffer[];
} {
  const embeds = request.embeds.slice();
  const buffers: ArrayBuffer[] = [embeds.buffer];
  const owned: DecodeRequest = { ...request, embeds };
  if (request.positions) owned.positions = Array.from(request.positions);
  if (request.past) {
    const copy = (layer: Float32Array) => {
      const own = layer.slice();
      buffers.push(own.buffer);
      return own;
    };
    owned.past = {
      ...request.past,
      keys: request.past.keys.map(copy),
      values: request.past.values.map(copy),
    };
  }
  return { request: owned, buffers };
}

/**
 * Sends each request's arrays as views of shared memory, reused from one request to the
 * next: so a request is staged only once the peer has answered the one before it (two
 * analyses can share the peer at once).
 */
function sharedSender(remote: Comlink.Remote<DecodePeerApi>): DecodePeer["decode"] {
  const staging = new PeerStaging();
  const inTurn = runsInTurn();
  return (request) => inTurn(() => remote.decode(staging.stage(request)));
}

export interface StartedPeer {
  peer: DecodePeer;
  terminate(): void;
}

/** Starts one peer on the model at `modelBaseUrl`; resolves when it is warm. */
export async function startDecodePeer(
  modelBaseUrl: string,
  wasmThreads: number | undefined,
): Promise<StartedPeer> {
  const worker = new Worker(new URL("./decode-peer.worker.ts", import.meta.url), {
    type: "module",
    name: "headflow-decode-peer",
  });
  const remote = Comlink.wrap<DecodePeerApi>(worker);
  try {
    await remote.start(modelBaseUrl, wasmThreads);
  } catch (error) {
    worker.terminate();
    throw error;
  }
  const send = (request: DecodeRequest) => {
    const owned = ownedRequest(request);
    return remote.decode(Comlink.transfer(owned.request, owned.buffers));
  };
  const peer: DecodePeer = { decode: canShareMemory() ? sharedSender(remote) : send };
  return { peer, terminate: () => worker.terminate() };
}
