/**
 * The inference worker's side of "bring your own VLM": opens a third-party
 * export from a picked folder or a URL (downloads streamed, kept in the Cache API) on
 * onnxruntime-web. Everything else is the engine's (src/engine/exports/transformers-js).
 */
import { decodeWithCanvas } from "./canvas-image-decoder";
import { ort } from "./ort-web";
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
} from "../engine";

/** `dtype`: the graph variant to open ("auto" or absent: the wasm order, dtypes.ts). */
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
  capabilities: Capabilities;
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

/** `signal` cancels a download (a URL source); stalls and silent servers time out. */
export async function openThirdParty(
  source: ThirdPartySource,
  onProgress?: (progress: DownloadProgress) => void,
  signal?: AbortSignal,
): Promise<ThirdPartyHeadflow> {
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
  // wasm: third-party graphs are checked on the CPU provider, which runs every export;
  // the dtype order is wasm's (8-bit first: smaller downloads and heap).
  return loadThirdParty(read, ort, decodeWithCanvas, {
    sessionOptions: { executionProviders: ["wasm"] },
    backend: "wasm",
    ...(source.dtype !== undefined ? { dtype: source.dtype } : {}),
    id: nameOf(source),
    runtime: "onnxruntime-web (wasm)",
  });
}

export function thirdPartyInfo(model: ThirdPartyHeadflow): ThirdPartyInfo {
  const { manifest } = model.thirdParty;
  return {
    modelType: manifest.modelType,
    queryHeads: manifest.queryHeads,
    kvHeads: manifest.kvHeads,
    dtype: manifest.dtype,
    dtypeNotes: manifest.dtypeNotes,
    capabilities: manifest.capabilities,
  };
}
