/**
 * The token flow view (docs/PAPER.md, "Token-level flow"): attention knockout between
 * token groups across sliding layer windows, as a group graph at one window and as curves
 * over all windows; and the prompt's tokens beside the image's patch grid, where hovering
 * a token lights the patches it reads and hovering a patch lights the tokens that read it.
 */
import { useDeferredValue, useMemo, useState } from "react";
import { defaultWindow, type TokenGroup } from "../../engine";
import { useAnalysisStore } from "../../store/analysis-store";
import { useBackendStore } from "../../store/backend-store";
import { useObjectBackgroundStore } from "../../store/object-background-store";
import { useObjectMaskStore } from "../../store/object-mask-store";
import { useSessionStore } from "../../store/session-store";
import { useTokenFlowStore } from "../../store/token-flow-store";
import { formatDuration, formatProbability } from "../numbers";
import { FlowCurves } from "./FlowCurves";
import { FlowGraph } from "./FlowGraph";
import { GROUP_LABELS, targetsOf, windowLabel } from "./flow-geometry";
import { PatchGrid } from "./PatchGrid";
import { patchName } from "./patch-name";
import { RunProgress } from "./RunProgress";
import { TokenChips } from "./TokenChips";
import { patchesReadBy, relativeToMax, textTokens, tokenLights } from "./token-links";
import type { TokenFlowRun } from "../../workers/token-flow-types";
import "./token-flow.css";

const SOURCE_NAMES = {
  scene: "scene metadata",
  mask: "painted mask",
  contribution: "contribution threshold",
};

export function TokenFlowPanel() {
  const backend = useBackendStore((store) => store.state);
  const image = useSessionStore((store) => store.image);
  const attribution = useAnalysisStore((store) => store.attribution);
  // Deferred: the views of a new result render in the background, in slices, so the page
  // keeps answering input while they mount.
  const flow = useDeferredValue(useTokenFlowStore((store) => store.result));
  const state = useTokenFlowStore((store) => store.state);
  const patchesState = useObjectBackgroundStore((store) => store.state);
  const windowSize = useTokenFlowStore((store) => store.windowSize);
  const setWindowSize = useTokenFlowStore((store) => store.setWindowSize);
  const runFlow = useTokenFlowStore((store) => store.run);
  const cancel = useTokenFlowStore((store) => store.cancel);
  const maskChoice = useObjectMaskStore((store) => store.choice);
  const model = backend.status === "ready" ? backend.report.model : null;
  const busy =
    state.status === "running" ||
    patchesState.status === "running" ||
    attribution.status === "running";

  return (
    <section className="token-flow" aria-labelledby="token-flow-title">
      <h2 id="token-flow-title">Token flow</h2>
      <p className="hint">
        Blocks one token group from reading another in a window of consecutive layers, slides the
        window up the model and records the answer probability. Image patches are split into object
        and background by the {SOURCE_NAMES[maskChoice]} (set in Object vs background).
      </p>
      <div className="attribution-actions">
        <button
          type="button"
          disabled={model === null || image === null || busy}
          onClick={() => void runFlow()}
        >
          Run token flow
        </button>
        {model !== null && (
          <label>
            Window{" "}
            <select
              aria-label="Window (layers)"
              value={windowSize ?? ""}
              disabled={busy}
              onChange={(event) =>
                setWindowSize(event.target.value === "" ? null : Number(event.target.value))
              }
            >
              <option value="">default ({defaultWindow(model.layers)} layers)</option>
              {Array.from({ length: model.layers }, (_, i) => i + 1).map((w) => (
                <option key={w} value={w}>
                  {w} {w === 1 ? "layer" : "layers"}
                </option>
              ))}
            </select>
          </label>
        )}
        {image === null && <span className="hint">Choose an image first.</span>}
      </div>
      {state.status === "running" && (
        <RunProgress state={state} label="Token flow" onCancel={cancel} />
      )}
      {state.status === "cancelled" && <p role="status">Token flow cancelled.</p>}
      {state.status === "failed" && (
        <p role="alert" className="error">
          Token flow failed: {state.message}
        </p>
      )}
      {/* The result's display grid (a tiled image's mosaic); older results: the model's. */}
      {flow && image && model && (
        <FlowView run={flow} image={image} grid={flow.result.grid ?? model.grid} />
      )}
    </section>
  );
}

type Hover = { kind: "token"; position: number } | { kind: "patch"; patch: number } | null;

function FlowView({
  run,
  image,
  grid,
}: {
  run: TokenFlowRun;
  image: NonNullable<ReturnType<typeof useSessionStore.getState>["image"]>;
  grid: [number, number];
}) {
  const { result, tokenAttention } = run;
  const [hover, setHover] = useState<Hover>(null);
  const [pinned, setPinned] = useState<number | null>(null);
  const [start, setStart] = useState(0);
  const targets = targetsOf(result.curves);
  const [target, setTarget] = useState<TokenGroup>(targets.at(-1) ?? "final");
  const tokens = useMemo(() => textTokens(result), [result]);
  const patchCount = grid[0] * grid[1];
  const objectMask = useMemo(() => {
    const mask = new Array<boolean>(patchCount).fill(false);
    for (const p of result.objectMask.patches) if (p < patchCount) mask[p] = true;
    return mask;
  }, [result, patchCount]);

  const token = hover?.kind === "token" ? hover.position : hover === null ? pinned : null;
  const row = token === null ? null : patchesReadBy(tokenAttention, token);
  const patchLights = useMemo(() => (row ? relativeToMax(row) : null), [row]);
  const hoveredPatch = hover?.kind === "patch" ? hover.patch : null;
  const lights = useMemo(
    () => (hoveredPatch === null ? null : tokenLights(tokenAttention, hoveredPatch, tokens)),
    [tokenAttention, hoveredPatch, tokens],
  );
  const heat =
    patchLights ?? (hoveredPatch === null ? undefined : oneHot(hoveredPatch, patchCount));

  return (
    <div className="flow-view">
      <p className="fit-summary" aria-label="Token flow summary">
        Answer “{result.answer.token}” with probability {formatProbability(result.cleanProbability)}{" "}
        · window {result.window} {result.window === 1 ? "layer" : "layers"} · object patches from
        the {SOURCE_NAMES[result.objectMask.source]} ({result.objectMask.patches.length} of{" "}
        {patchCount}) · {formatDuration(result.timings.totalMs)} on {result.runtime}
      </p>
      <div className="flow-tokens">
        <figure>
          <PatchGrid
            image={image}
            grid={grid}
            side={224}
            label="Image patches"
            heat={heat}
            outline={objectMask}
            cellLabel={(p) => patchName(p, grid, objectMask[p] === true)}
            cellData={(p) => ({
              // A row shorter than this model's grid (a link made with another model) lights nothing.
              "data-light": patchLights ? (patchLights[p] ?? 0).toFixed(4) : "0",
              ...(row ? { "data-attention": String(row[p]) } : {}),
            })}
            onEnter={(patch) => setHover({ kind: "patch", patch })}
            onLeave={() => setHover(null)}
          />
          <figcaption>
            {token !== null && row
              ? `Orange: how much “${result.promptTokens[token]}” reads each patch (mean attention over all heads and layers, relative to its largest).`
              : token !== null
                ? `“${result.promptTokens[token]}” comes before the image and cannot read it.`
                : "White outlines: object patches. Hover a token or a patch."}
          </figcaption>
        </figure>
        <TokenChips
          tokens={tokens}
          result={result}
          lights={lights}
          active={token}
          pinned={pinned}
          onEnter={(position) => setHover({ kind: "token", position })}
          onLeave={() => setHover(null)}
          onPin={(position) => setPinned((p) => (p === position ? null : position))}
        />
      </div>
      <div className="flow-window">
        <label htmlFor="flow-window-start">Layer window</label>
        <input
          id="flow-window-start"
          type="range"
          min={0}
          max={result.layers - 1}
          value={start}
          onChange={(event) => setStart(Number(event.target.value))}
        />
        <output htmlFor="flow-window-start">
          {windowLabel(start, result.window, result.layers)}
        </output>
      </div>
      <div className="flow-charts">
        <FlowGraph result={result} start={start} />
        <div>
          <label>
            Curves into{" "}
            <select
              aria-label="Curves into"
              value={target}
              onChange={(event) => setTarget(event.target.value as TokenGroup)}
            >
              {targets.map((t) => (
                <option key={t} value={t}>
                  {GROUP_LABELS[t]}
                </option>
              ))}
            </select>
          </label>
          <FlowCurves result={result} target={target} start={start} />
        </div>
      </div>
    </div>
  );
}

function oneHot(patch: number, count: number): number[] {
  return Array.from({ length: count }, (_, p) => (p === patch ? 1 : 0));
}
