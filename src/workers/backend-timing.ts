/**
 * The timed probe that decides between wasm and a hardware WebGPU adapter
 * (backend-choice.ts chooseByTiming): the model's vision encoder, one image, on each
 * backend; one untimed run first (it compiles the wasm functions or GPU pipelines), then
 * the faster of two timed runs. About a second on a small model; the result is kept per
 * model and adapter (IndexedDB, which workers have; localStorage they do not), so later
 * loads skip it.
 */
import { z } from "zod";
import type { BackendName, BackendTiming } from "./backend-choice";
import { ort } from "./ort-web";

/** Only what the probe needs of headflow.json; the engine validates the whole file later. */
const ProbeManifest = z.object({
  graphs: z.object({ vision: z.string().min(1) }),
  image: z.object({ size: z.number().int().min(1).max(4096) }),
});

async function probeGraph(modelBaseUrl: string): Promise<{ url: string; size: number }> {
  const response = await fetch(new URL("headflow.json", modelBaseUrl));
  if (!response.ok) throw new Error(`headflow.json: HTTP ${response.status}`);
  const manifest = ProbeManifest.parse(await response.json());
  return { url: new URL(manifest.graphs.vision, modelBaseUrl).href, size: manifest.image.size };
}

async function timeOn(backend: BackendName, url: string, size: number): Promise<number> {
  const session = await ort.InferenceSession.create(url, { executionProviders: [backend] });
  try {
    const name = session.inputNames[0] ?? "pixel_values";
    const input = () =>
      new ort.Tensor("float32", new Float32Array(3 * size * size).fill(0.5), [1, 3, size, size]);
    await session.run({ [name]: input() });
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      await session.run({ [name]: input() });
      best = Math.min(best, performance.now() - started);
    }
    return best;
  } finally {
    await session.release();
  }
}

/** Times both backends now; a WebGPU session that fails to start rejects. */
export async function timeBackends(modelBaseUrl: string): Promise<BackendTiming> {
  const { url, size } = await probeGraph(modelBaseUrl);
  const wasmMs = await timeOn("wasm", url, size);
  const webgpuMs = await timeOn("webgpu", url, size);
  return { wasmMs, webgpuMs, cached: false };
}

const DATABASE = "headflow-backend-probe";
const STORE = "timings";

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB open failed"));
  });
}

function transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>) {
  return openDatabase().then((db) =>
    new Promise<T>((resolve, reject) => {
      const request = work(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error("IndexedDB request failed"));
    }).finally(() => db.close()),
  );
}

const StoredTiming = z.object({ webgpuMs: z.number().min(0), wasmMs: z.number().min(0) });

/** The key of a kept timing: the model's address and the adapter's description. */
export const timingKey = (modelBaseUrl: string, adapter: string) => `${modelBaseUrl}\n${adapter}`;

/** The kept timing, or null (none, unreadable, or no IndexedDB: the probe runs again). */
export async function keptTiming(key: string): Promise<BackendTiming | null> {
  if (typeof indexedDB === "undefined") return null;
  try {
    const stored = StoredTiming.safeParse(await transact("readonly", (s) => s.get(key)));
    return stored.success ? { ...stored.data, cached: true } : null;
  } catch {
    return null;
  }
}

/** Keeps a timing for the next load; failing to keep it only costs that load a probe. */
export async function keepTiming(key: string, timing: BackendTiming): Promise<void> {
  if (typeof indexedDB === "undefined") return;
  const { webgpuMs, wasmMs } = timing;
  await transact("readwrite", (s) => s.put({ webgpuMs, wasmMs }, key)).catch(() => undefined);
}
