/**
 * A cancel switch the main thread can flip while the inference worker is busy.
 *
 * onnxruntime-web's wasm runs settle through microtasks only, so a worker running batch
 * after batch never returns to its event loop and a "cancel" message would wait until the
 * whole attribution is done. A flag in shared memory is read between batches instead. It
 * needs SharedArrayBuffer (a cross-origin isolated page, as HeadFlow's server sets up);
 * without it there is no flag and the cancel message is the only path.
 */
export type CancelFlag = Int32Array<SharedArrayBuffer>;

export function createCancelFlag(): CancelFlag | undefined {
  if (typeof SharedArrayBuffer === "undefined") return undefined;
  return new Int32Array(new SharedArrayBuffer(4));
}

export function raiseCancelFlag(flag: CancelFlag | undefined): void {
  if (flag) Atomics.store(flag, 0, 1);
}

export function isCancelRaised(flag: CancelFlag | undefined): boolean {
  return flag !== undefined && Atomics.load(flag, 0) !== 0;
}
