/**
 * Layer entry for a third-party decoder (../../model/layer-entry.ts): the residuals graph
 * and one entry graph per entered layer, derived from the decoder's analysable form
 * (analysable-decoder.ts) with the residual stream found by structure
 * (../../model/graph/residual-stream.ts). Each graph opens on first use, with the
 * decoder's own external data and session options, and is kept for the model's lifetime,
 * as the bundled model's are. The graphs keep every input of the decoder (position_ids,
 * 3-D for Qwen2-VL; the attention biases), so they are fed exactly as it is
 * (export-decoder.ts). float16 graphs are seen in float32 (float32-boundary.ts): a float16
 * residual read back and fed in again is unchanged bit for bit.
 *
 * Each entry graph holds its own copy of the weights from its layer on, so only the layers
 * that fit a byte budget get one (../../model/entry-layers.ts; by default the decoder's
 * own weight bytes: layer entry at most doubles the decoder's memory), and a mask enters
 * at the latest of them at or below its first ablated layer (`entryLayer`).
 *
 * When the stream is not found, `available()` is false, the reason is kept (`refusal`) and
 * logged once, and every mask runs the whole decoder.
 */
import { errorMessage } from "../../errors";
import { DEFAULT_ATTRIBUTION } from "../../attribution/attribute-heads";
import { chooseEntryLayers, entryFor } from "../../model/entry-layers";
import {
  entryGraph,
  entryWeightBytes,
  parseGraph,
  residualsGraph,
  type DecoderParts,
} from "../../model/layer-entry";
import type { OrtModule, OrtSession, OrtSessionOptions } from "../../model/ort";
import type { AnalysisResult, DecodeRequest, ModelDims } from "../../model/session";
import { ExportDecoder } from "./export-decoder";
import { float32Boundary } from "./float32-boundary";
import { createGraphSession, type GraphFile } from "./graph-files";
import type { MropeLayout } from "./mrope";

export class EntryDecoders {
  private readonly ort: OrtModule;
  private readonly options: OrtSessionOptions;
  private readonly dims: ModelDims;
  private readonly queryHeads: number;
  /** The analysable decoder's file; dropped once the graphs are derived or refused. */
  private file: Pick<GraphFile, "path" | "bytes" | "externalData"> | null;
  private parts: DecoderParts | null = null;
  private residuals: Promise<ExportDecoder | null> | null = null;
  private readonly entries = new Map<number, Promise<ExportDecoder>>();
  private readonly sessions: OrtSession[] = [];
  private readonly budgetBytes: number;
  /** The layers with an entry graph, once the residuals graph is built. */
  private chosen: number[] = [];
  /** Why there is no layer entry (null: there is, or it was not tried yet). */
  refusal: string | null = null;
  /** Bytes of the derived graphs opened so far (their weights stay with onnxruntime). */
  openedBytes = 0;

  constructor(
    ort: OrtModule,
    file: Pick<GraphFile, "path" | "bytes" | "externalData">,
    options: OrtSessionOptions,
    dims: ModelDims,
    queryHeads: number,
    budgetBytes: number,
  ) {
    this.budgetBytes = budgetBytes;
    this.ort = ort;
    this.file = file;
    this.options = options;
    this.dims = dims;
    this.queryHeads = queryHeads;
  }

  /** Whether runs can enter at a later layer (builds the residuals graph on first call). */
  async available(): Promise<boolean> {
    return (await this.residualsDecoder()) !== null;
  }

  /** The layer a mask first ablating `first` enters at (-1: none); after `available()`. */
  entryLayer(first: number): number {
    return entryFor(this.chosen, first);
  }

  /** The layers with an entry graph (empty before `available()` or without entry). */
  get entryLayers(): readonly number[] {
    return this.chosen;
  }

  /**
   * A run through the residuals graph (`wantResiduals`) or entered at `fromLayer` (last
   * logits only, no present).
   */
  async decode(request: DecodeRequest, rope: MropeLayout | null): Promise<AnalysisResult> {
    if (request.fromLayer !== undefined) {
      if (request.wantPresent || request.wantResiduals || request.logits !== "last")
        throw new Error("decode: a run entered at a layer returns the last logits only");
      return (await this.entryDecoder(request.fromLayer)).decode(request, rope);
    }
    const residuals = await this.residualsDecoder();
    if (!residuals) throw new Error("decode: this session has no layer entry");
    return residuals.decode(request, rope);
  }

  private refuse(reason: string): null {
    this.refusal = reason;
    this.file = null;
    console.warn(
      `layer entry is off for this model (every mask runs the whole decoder): ${reason}`,
    );
    return null;
  }

  private async open(bytes: Uint8Array): Promise<ExportDecoder> {
    const file = this.file;
    if (!file) throw new Error("decode: this session has no layer entry");
    const session = await createGraphSession(this.ort, { ...file, bytes }, this.options);
    this.sessions.push(session);
    this.openedBytes += bytes.length;
    return new ExportDecoder(
      this.ort,
      float32Boundary(this.ort, session),
      this.dims,
      this.queryHeads,
    );
  }

  private residualsDecoder(): Promise<ExportDecoder | null> {
    this.residuals ??= (async () => {
      if (!this.file) return null;
      const parts = parseGraph(this.file.bytes, "structural");
      if (!parts) return this.refuse("the decoder has control-flow nodes");
      if (typeof parts.stream === "string") return this.refuse(parts.stream);
      const graph = residualsGraph(parts, this.dims.layers);
      if (!graph)
        return this.refuse(
          `the residual stream has ${parts.stream.layers} layers, the model ${this.dims.layers}`,
        );
      try {
        const decoder = await this.open(graph);
        this.parts = parts; // entry graphs are cut from the same parsed form later
        const sizes = Array.from({ length: this.dims.layers }, (_, l) =>
          entryWeightBytes(parts, l),
        );
        this.chosen = chooseEntryLayers({
          sizes,
          budgetBytes: this.budgetBytes,
          untouched: (1 - DEFAULT_ATTRIBUTION.alpha) ** this.dims.heads,
          finalOnly: parts.stream.cuts.length > 0,
        });
        return decoder;
      } catch (error) {
        return this.refuse(`its residuals graph does not open: ${errorMessage(error)}`);
      }
    })();
    return this.residuals;
  }

  private entryDecoder(layer: number): Promise<ExportDecoder> {
    if (layer < 0 || layer >= this.dims.layers || !Number.isInteger(layer))
      return Promise.reject(new Error(`decode: fromLayer must be a layer index (got ${layer})`));
    let entry = this.entries.get(layer);
    if (!entry) {
      entry = (async () => {
        if (!(await this.residualsDecoder()) || !this.parts)
          throw new Error("decode: this session has no layer entry");
        const graph = entryGraph(this.parts, layer);
        if (!graph) throw new Error(`decode: cannot enter the decoder at layer ${layer}`);
        return this.open(graph);
      })();
      this.entries.set(layer, entry);
    }
    return entry;
  }

  async release(): Promise<void> {
    await Promise.allSettled([this.residuals, ...this.entries.values()]);
    await Promise.all(this.sessions.map((s) => s.release()));
  }
}
