/**
 * What the inference worker and the main thread exchange for the token flow and object vs
 * background analyses (plain, structured-cloneable data).
 */
import type { FlowResult, PatchesResult, ObjectMaskSpec, TokenAttention } from "../engine";
import type { CancelFlag } from "./cancel-flag";

export type { TokenAttention } from "../engine";

export interface KnockoutRequest {
  /** Which patches are the object (the rest are background). */
  objectMask: ObjectMaskSpec;
  /** Raised by the main thread to stop the run (cancel-flag.ts); absent without shared memory. */
  cancelFlag?: CancelFlag;
}

export interface FlowRequest extends KnockoutRequest {
  /** Knockout window in layers; the engine's default (a quarter of the layers) when absent. */
  window?: number;
}

/** A token flow run: the knockout curves and, for hovering, who reads which patch. */
export interface TokenFlowRun {
  result: FlowResult;
  tokenAttention: TokenAttention;
}

export type { FlowResult, PatchesResult };
