/**
 * A queue of runs: each starts once the one before it has settled (resolved or rejected),
 * in call order, so no caller needs a lock. Sessions use it because onnxruntime-web does
 * not promise overlapping runs ("Session already started" on WebGPU) while a worker
 * serves requests as they arrive; a decode peer uses it because each request it is sent
 * rewrites the shared memory the one before it is read from.
 */
export type InTurn = <T>(run: () => Promise<T>) => Promise<T>;

export function runsInTurn(): InTurn {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(run: () => Promise<T>): Promise<T> => {
    const result = tail.then(run, run);
    // The next run waits for this one to settle, whether it succeeded or not.
    tail = result.catch(() => undefined);
    return result;
  };
}
