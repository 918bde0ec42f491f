/**
 * A VlmSession whose model runs never overlap: each run starts when the one before it has
 * settled, in call order. onnxruntime-web does not promise concurrent runs ("Session
 * already started" on WebGPU), and the browser's inference worker serves requests as they
 * arrive (comlink), so two analyses can be in flight at once. Queueing per run, not per
 * request, lets both progress, and keeps every caller free of locking.
 */
import type {
  AnalysisRequest,
  AnalysisResult,
  DecodeRequest,
  DecodeResult,
  SessionMemory,
  VlmSession,
} from "./session";
import { runsInTurn, type InTurn } from "./runs-in-turn";

export class SerialSession implements VlmSession {
  readonly dims: VlmSession["dims"];
  private readonly inner: VlmSession;
  private readonly queue: InTurn = runsInTurn();

  constructor(inner: VlmSession) {
    this.inner = inner;
    this.dims = inner.dims;
    if (inner.attentionUnavailable !== undefined)
      this.attentionUnavailable = inner.attentionUnavailable;
    if (inner.layerEntry) this.layerEntry = () => inner.layerEntry!();
    if (inner.memory) this.memory = () => inner.memory!();
  }

  readonly attentionUnavailable?: string;
  layerEntry?: () => Promise<boolean>;
  memory?: () => SessionMemory;

  encodeImage(pixelValues: Float32Array, batch: number): Promise<Float32Array> {
    return this.queue(() => this.inner.encodeImage(pixelValues, batch));
  }

  embed(ids: readonly number[]): Promise<Float32Array> {
    return this.queue(() => this.inner.embed(ids));
  }

  decode(request: DecodeRequest): Promise<DecodeResult> {
    return this.queue(() => this.inner.decode(request));
  }

  decodeAnalysis(request: AnalysisRequest): Promise<AnalysisResult> {
    return this.queue(() => this.inner.decodeAnalysis(request));
  }

  release(): Promise<void> {
    return this.queue(() => this.inner.release());
  }
}
