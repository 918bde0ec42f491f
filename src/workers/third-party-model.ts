/**
 * The inference worker's side of "bring your own VLM": opens a third-party
 * export from a picked folder or a URL (downloads streamed, kept in the Cache API) on
 * onnxruntime-web, on the bundled model's backend (third-party-backend.ts). Everything else
 * is the engine's (src/engine/exports/transformers-js).
 */
import { decodeWithCanvas } from "./canvas-image-decoder";
import { ort } from "./ort-web";
import type { BackendName } from "./backend-choice";
import { openOnBackend } from "./third-party-backend";
import {
  type ReadFile,
  downloadReader,
  type DownloadProgress,
  type ResponseCache,
  fileMapReader,
  type PickedFile,
  type ThirdPartyHeadflow,
  loadThirdParty,
  type Capabilities,
  ask,
  solidImage,
  BLANK_GRAY,
  errorMessage,
} from "../engine";

/** `dtype`: the graph variant to open ("auto" or absent: the backend's order, dtypes.ts). */
export type ThirdPartySource = (
  { kind: "files"; files: PickedFile[] } | { kind: "url"; url: string }
) & { dtype?: string };

/** What the Model control shows about a loaded third-party model. */
export interface ThirdPartyInfo {
  modelType: string;
  queryHeads: number;
  kvHeads: number;
  dtype: string;
  /** Variants that were present but did not open, and why. */
  dtypeNotes: string[];
  /** Where its sessions run: the bundled model's backend, or wasm after a WebGPU failure. */
  backend: BackendName;
  capabilities: Capabilities;
}

/** A loaded third-party model and the backend it runs on. */
export interface OpenedThirdParty {
  model: ThirdPartyHeadflow;
  backend: BackendName;
  /** Where it runs, and why not on WebGPU when it fell back (a capability note). */
  backendNote: string;
}

const CACHE_NAME = "headflow-models-v1";

let sharedRuntime: Promise<void> | null = null;

/**
 * transformers.js runs some image-processor steps (Idefics3's interpolate_4d, slice) as
 * small onnxruntime graphs. Left alone it would use its own onnxruntime-web copy and fetch
 * that copy's wasm from a CDN, which a closed network (or a strict CSP) refuses. It uses
 * the runtime registered under Symbol.for("onnxruntime") instead: register ours before its
 * first import, and undo its wasm path defaults, which ours does not need.
 */
function shareOnnxRuntime(): Promise<void> {
  sharedRuntime ??= (async () => {
    const registry = globalThis as unknown as Record<symbol, unknown>;
    registry[Symbol.for("onnxruntime")] ??= ort;
    const { wasmPaths, proxy } = ort.env.wasm;
    await import("@huggingface/transformers");
    ort.env.wasm.wasmPaths = wasmPaths;
    ort.env.wasm.proxy = proxy;
  })();
  return sharedRuntime;
}

async function modelCache(): Promise<ResponseCache | null> {
  if (typeof caches === "undefined") return null;
  try {
    return await caches.open(CACHE_NAME);
  } catch {
    return null; // e.g. storage disabled: the model still loads, uncached
  }
}

function nameOf(source: ThirdPartySource): string {
  if (source.kind === "url") {
    const parts = new URL(source.url).pathname.split("/").filter(Boolean);
    return parts.at(-1) ?? "model";
  }
  const first = source.files[0]?.path ?? "";
  return first.includes("/") ? first.slice(0, first.indexOf("/")) : "model";
}

/**
 * A self-test on the backend: one answer on a blank image. Its top token's probability is
 * exp(logit - logsumexp(all logits)), so a NaN or +Infinity anywhere in the logits makes
 * it non-finite.
 */
async function selfTest(model: ThirdPartyHeadflow): Promise<void> {
  const image = { ...solidImage(model.bundle.manifest.image.size, BLANK_GRAY), name: "blank" };
  const { top } = await ask(model, image, { maxTokens: 1, top: 1 });
  const first = top[0];
  if (first === undefined || !Number.isFinite(first.probability) || !Number.isFinite(first.logit))
    throw new Error(`non-finite logits (top token: ${JSON.stringify(first ?? null)})`);
}

/**
 * `backend`: the one the bundled model runs on. `signal` cancels a download (a URL
 * source); stalls and silent servers time out. `layerEntry`: let mask runs enter the
 * decoder at their first ablated layer (on wasm).
 */
export async function openThirdParty(
  source: ThirdPartySource,
  backend: BackendName,
  onProgress?: (progress: DownloadProgress) => void,
  signal?: AbortSignal,
  layerEntry = true,
): Promise<OpenedThirdParty> {
  await shareOnnxRuntime();
  let read: ReadFile;
  if (source.kind === "files") {
    read = fileMapReader(source.files);
  } else {
    read = downloadReader(source.url, {
      cache: await modelCache(),
      ...(onProgress ? { onProgress } : {}),
      ...(signal ? { signal } : {}),
    });
  }
  // On WebGPU, nodes without a webgpu kernel run on the CPU provider (onnxruntime assigns
  // them per node); "wasm" after "webgpu" says so. The dtype order is the backend's.
  const opened = await openOnBackend(
    backend,
    {
      open: (on) =>
        loadThirdParty(read, ort, decodeWithCanvas, {
          sessionOptions: { executionProviders: on === "webgpu" ? ["webgpu", "wasm"] : ["wasm"] },
          backend: on,
          ...(source.dtype !== undefined ? { dtype: source.dtype } : {}),
          id: nameOf(source),
          runtime: `onnxruntime-web (${on})`,
          // As for the bundled model: on wasm only (entry-decoders.ts; not measured on
          // WebGPU, where each entry graph's session compiles its own pipelines).
          layerEntry: layerEntry && on === "wasm",
        }),
      selfTest,
      release: (model) => model.bundle.session.release(),
      describe: errorMessage,
    },
    signal,
  );
  return { model: opened.model, backend: opened.backend, backendNote: opened.note };
}

export function thirdPartyInfo({ model, backend, backendNote }: OpenedThirdParty): ThirdPartyInfo {
  const { manifest } = model.thirdParty;
  return {
    modelType: manifest.modelType,
    queryHeads: manifest.queryHeads,
    kvHeads: manifest.kvHeads,
    dtype: manifest.dtype,
    dtypeNotes: manifest.dtypeNotes,
    backend,
    capabilities: {
      ...manifest.capabilities,
      notes: [backendNote, ...manifest.capabilities.notes],
    },
  };
}
