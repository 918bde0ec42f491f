/**
 * The Node half of `bench --real-scale`: the generated export loaded as the CLI loads it
 * (openModel, the batch sized to this machine's memory), then ask, one head ablation and a
 * default attribution (1000 masks, blank baseline: an export has no reference images), each
 * with its wall time, its own peak resident memory, and where the time went: the session's
 * vision encodes, the decoder's prefill over the image (runs of more than one position
 * without a past) and its mask runs (every other run), timed by wrapping the session.
 */
import { totalmem } from "node:os";
import {
  ablate,
  ask,
  attribute,
  nodeMemory,
  type AttributionResult,
  type Headflow,
  type ThirdPartyHeadflow,
  type NamedImage,
  type VlmSession,
} from "../../engine";
import { openModel } from "../context";
import { peakRssMib, resetPeakRss } from "./proc-memory";
import { round } from "./stats";

export interface SessionTimes {
  visionMs: number;
  visionRuns: number;
  prefillMs: number;
  prefillRuns: number;
  decodeMs: number;
  decodeRuns: number;
  /** Rows of all decode runs (masks, clean rows, generated tokens). */
  decodeRows: number;
}

export interface Phase<T> {
  wallMs: number;
  /** This phase's own peak resident memory (VmHWM reset at its start), MiB. */
  peakRssMib: number | null;
  session: SessionTimes;
  result: T;
}

const zero = (): SessionTimes => ({
  visionMs: 0,
  visionRuns: 0,
  prefillMs: 0,
  prefillRuns: 0,
  decodeMs: 0,
  decodeRuns: 0,
  decodeRows: 0,
});

/** Wraps the session's vision and decoder runs with timers adding to `times()`. */
export function timeSession(session: VlmSession, times: () => SessionTimes): void {
  const target = session as VlmSession & {
    encodeVision?: (...args: unknown[]) => Promise<Float32Array>;
  };
  const encode = target.encodeVision?.bind(session);
  if (encode) {
    target.encodeVision = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await encode(...args);
      } finally {
        times().visionMs += performance.now() - started;
        times().visionRuns++;
      }
    };
  }
  const decode = session.decode.bind(session);
  session.decode = async (request) => {
    const started = performance.now();
    try {
      return await decode(request);
    } finally {
      const t = times();
      const ms = performance.now() - started;
      // The prefill: the prompt up to the image's end, one row, nothing cached before it.
      if (request.batch === 1 && request.length > 1 && !(request.past && request.past.length > 0)) {
        t.prefillMs += ms;
        t.prefillRuns++;
      } else {
        t.decodeMs += ms;
        t.decodeRuns++;
        t.decodeRows += request.batch;
      }
    }
  };
}

function roundTimes(t: SessionTimes): SessionTimes {
  return {
    ...t,
    visionMs: round(t.visionMs, 0),
    prefillMs: round(t.prefillMs, 0),
    decodeMs: round(t.decodeMs, 0),
  };
}

export async function nodeRealScale(
  dir: string,
  image: NamedImage,
  question: string | undefined,
  ablated: { layer: number; head: number },
  log: (text: string) => void,
) {
  let current = zero();
  const peakResets = resetPeakRss();
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<Phase<T>> => {
    log(`node: ${name}`);
    current = zero();
    resetPeakRss();
    const started = performance.now();
    const result = await work();
    const wallMs = performance.now() - started;
    log(`node: ${name} took ${(wallMs / 1000).toFixed(1)} s`);
    return {
      wallMs: round(wallMs, 0),
      peakRssMib: peakRssMib(),
      session: roundTimes(current),
      result,
    };
  };

  const load = await phase("load", async () => {
    const headflow = await openModel(dir);
    // As the CLI (preamble.ts): the batch is sized to this machine's memory.
    headflow.memory = nodeMemory(totalmem());
    return headflow;
  });
  const headflow: Headflow = load.result;
  timeSession(headflow.bundle.session, () => current);

  const answered = await phase("ask", () => ask(headflow, image, { question, top: 5 }));
  const ablation = await phase("ablate", () =>
    ablate(headflow, image, { heads: [ablated], question, baseline: { kind: "blank" }, top: 5 }),
  );
  let lastLogged = 0;
  const attribution = await phase("attribute", () =>
    attribute(headflow, image, {
      question,
      baseline: { kind: "blank" },
      onProgress: ({ done, total }) => {
        if (done - lastLogged >= total / 10 || done === total) {
          lastLogged = done;
          log(`node: attribute ${done}/${total} masks`);
        }
      },
    }),
  );
  const result: AttributionResult = attribution.result;
  const { manifest } = headflow.bundle;
  const tp = (headflow as ThirdPartyHeadflow).thirdParty.manifest;
  return {
    loaded: {
      layers: tp.layers,
      queryHeads: tp.queryHeads,
      kvHeads: tp.kvHeads,
      headDim: tp.headDim,
      hiddenSize: tp.hiddenSize,
      vocabSize: tp.vocabSize,
      inputSize: tp.inputSize,
      tokenGrid: tp.tokenGrid,
      dtype: tp.dtype,
      graphs: tp.graphs,
    },
    runtime: headflow.runtime,
    memoryCeiling: headflow.memory.label,
    peakResetsPerPhase: peakResets,
    processPeakRssMib: Math.round(process.resourceUsage().maxRSS / 1024),
    model: manifest.name,
    promptTokens: result.promptTokens.length,
    imageTokenRange: result.imageTokenRange,
    load: { wallMs: load.wallMs, peakRssMib: load.peakRssMib },
    ask: { ...answered, result: { answer: answered.result.answer } },
    ablate: {
      ...ablation,
      result: {
        head: ablated,
        clean: ablation.result.clean.target,
        ablated: ablation.result.ablated.target,
      },
    },
    attribute: {
      ...attribution,
      result: {
        samples: result.settings.samples,
        batch: result.batch,
        heldOutR: result.fit.heldOutR,
        timings: {
          prefillMs: round(result.timings.prefillMs, 0),
          masksMs: round(result.timings.masksMs, 0),
          fitMs: round(result.timings.fitMs, 0),
          totalMs: round(result.timings.totalMs, 0),
          masksPerSecond: round(result.timings.masksPerSecond, 2),
        },
      },
    },
  };
}
