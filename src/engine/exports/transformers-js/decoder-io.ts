/**
 * The decoder graph's own geometry: its `past_key_values.{l}.key|value` inputs (how many
 * layers; each `[batch, kv heads, past length, head dim]`, the numbers where the graph
 * fixes them, as transformers.js's exports do) and their type, checked against the
 * manifest derived from config.json. A mismatch is an error naming both, so an export
 * whose config.json and graph disagree never runs with the wrong layer or head count.
 */
import { HeadflowError } from "../../errors";
import type { OrtSession } from "../../model/ort";
import type { ThirdPartyManifest } from "./config";

export type CacheType = "float32" | "float16";

type Meta = {
  name: string;
  isTensor?: boolean;
  type?: string;
  shape?: readonly (number | string)[];
};

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

export interface DecoderGeometry {
  layers: number;
  kvHeads: number | null;
  headDim: number | null;
  cacheType: CacheType;
}

/** What the graph itself says (null where a dimension is symbolic). */
export function decoderGeometry(session: OrtSession, path: string): DecoderGeometry {
  const metadata = ((session as { inputMetadata?: readonly Meta[] }).inputMetadata ?? []).filter(
    (m) => PAST.test(m.name),
  );
  const names = session.inputNames.filter((n) => PAST.test(n));
  const layers = names.reduce((most, n) => Math.max(most, Number(PAST.exec(n)![1]) + 1), 0);
  if (layers === 0) {
    throw new HeadflowError(
      "bad-model",
      `model file ${path} is not a transformers.js decoder HeadFlow can run: it has no past_key_values.{layer}.key / .value inputs`,
    );
  }
  for (let l = 0; l < layers; l++) {
    for (const part of ["key", "value"]) {
      const name = `past_key_values.${l}.${part}`;
      if (!names.includes(name)) {
        throw new HeadflowError("bad-model", `model file ${path} lacks input ${name}`);
      }
      const present = `present.${l}.${part}`;
      if (!session.outputNames.includes(present)) {
        throw new HeadflowError("bad-model", `model file ${path} lacks output ${present}`);
      }
    }
  }
  const types = new Set(metadata.map((m) => m.type).filter((t) => t !== undefined));
  if (types.size > 1 || [...types].some((t) => t !== "float32" && t !== "float16")) {
    throw new HeadflowError(
      "bad-model",
      `model file ${path} keeps its key/value cache as ${[...types].join(" and ")}: HeadFlow reads float32 or float16 caches`,
    );
  }
  const dim = (index: number): number | null => {
    const values = new Set(metadata.map((m) => m.shape?.[index]));
    const [only] = [...values];
    return values.size === 1 && typeof only === "number" && only > 0 ? only : null;
  };
  return {
    layers,
    kvHeads: dim(1),
    headDim: dim(3),
    cacheType: types.has("float16") ? "float16" : "float32",
  };
}

/**
 * Checks the graph's geometry against the manifest; returns the cache type. A config
 * `kv_cache_dtype` that disagrees with the graph is noted (the graph is what runs).
 */
export function checkDecoderGeometry(
  session: OrtSession,
  path: string,
  dtype: string,
  tp: Pick<
    ThirdPartyManifest,
    "layers" | "kvHeads" | "headDim" | "defaulted" | "dtypeNotes" | "kvCacheDtype"
  >,
): CacheType {
  const graph = decoderGeometry(session, path);
  const source = (field: string) =>
    tp.defaulted.some((d) => d.startsWith(`text_config.${field} `))
      ? `config.json (text_config.${field} absent: transformers' default)`
      : `config.json (text_config.${field})`;
  const mismatch = (what: string, inGraph: number, inConfig: number, field: string) =>
    new HeadflowError(
      "bad-model",
      `model file ${path}'s past_key_values inputs give ${what} ${inGraph}, but ${source(field)} gives ${inConfig}`,
    );
  if (graph.layers !== tp.layers) {
    throw mismatch("layers", graph.layers, tp.layers, "num_hidden_layers");
  }
  if (graph.kvHeads !== null && graph.kvHeads !== tp.kvHeads) {
    throw mismatch("key/value heads", graph.kvHeads, tp.kvHeads, "num_key_value_heads");
  }
  if (graph.headDim !== null && graph.headDim !== tp.headDim) {
    throw mismatch("head size", graph.headDim, tp.headDim, "head_dim");
  }
  const announced = tp.kvCacheDtype(dtype);
  if (announced !== null && announced !== graph.cacheType) {
    tp.dtypeNotes.push(
      `decoder: config.json's transformers.js_config.kv_cache_dtype says ${announced} for ${dtype}, the graph's cache is ${graph.cacheType} (the graph's is used)`,
    );
  }
  return graph.cacheType;
}
