/**
 * The inference worker: owns onnxruntime-web and the model sessions, so that the main
 * thread never blocks on model work. Called through comlink.
 */
import * as Comlink from "comlink";
import { ort } from "./ort-web";
import { probeWebGpu } from "./webgpu-probe";
import {
  chooseBackend,
  fallbackAfterSessionError,
  type BackendChoice,
  type BackendPreference,
} from "../engine/backend";

export interface SelfTest {
  /** The graph that was run, relative to the model folder. */
  graph: string;
  outputShape: number[];
  milliseconds: number;
}

export interface BackendReport extends BackendChoice {
  selfTest: SelfTest;
}

/** The smallest graph of a model bundle: running it proves the backend works end to end. */
const SELF_TEST_GRAPH = "onnx/embed_tokens.onnx";

async function createSession(url: string, backend: BackendChoice["backend"]) {
  return ort.InferenceSession.create(url, { executionProviders: [backend] });
}

async function runSelfTest(session: ort.InferenceSession): Promise<Omit<SelfTest, "graph">> {
  const started = performance.now();
  const inputIds = new ort.Tensor("int64", BigInt64Array.from([1n, 2n, 3n]), [1, 3]);
  const outputs = await session.run({ [session.inputNames[0] ?? "input_ids"]: inputIds });
  const first = outputs[session.outputNames[0] ?? ""];
  if (first === undefined) throw new Error("the self-test graph returned no output");
  return { outputShape: [...first.dims], milliseconds: performance.now() - started };
}

const api = {
  /** Picks a backend, falls back to wasm when WebGPU cannot run, and proves it on a real graph. */
  async start(preference: BackendPreference, modelBaseUrl: string): Promise<BackendReport> {
    const graphUrl = new URL(SELF_TEST_GRAPH, modelBaseUrl).href;
    let choice = chooseBackend(preference, await probeWebGpu());
    let session: ort.InferenceSession;
    try {
      session = await createSession(graphUrl, choice.backend);
    } catch (error) {
      if (choice.backend !== "webgpu") throw error;
      choice = fallbackAfterSessionError(error);
      session = await createSession(graphUrl, choice.backend);
    }
    try {
      return { ...choice, selfTest: { graph: SELF_TEST_GRAPH, ...(await runSelfTest(session)) } };
    } finally {
      await session.release();
    }
  },
};

export type InferenceApi = typeof api;

Comlink.expose(api);
