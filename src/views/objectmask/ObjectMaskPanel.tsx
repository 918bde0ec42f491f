/**
 * Object vs background (paper finding 4): block the text's attention to the object
 * patches, to the background patches, and to each single patch (the contribution map),
 * in every layer, and compare the drops of the answer probability. The object patches come
 * from the bundled sample's scene metadata, a mask painted on the patch grid, or a
 * threshold on the contribution map.
 */
import { useDeferredValue, useMemo, useRef } from "react";
import { useAnalysisStore } from "../../store/analysis-store";
import { useBackendStore } from "../../store/backend-store";
import { useObjectBackgroundStore } from "../../store/object-background-store";
import { previewMask, type MaskChoice } from "../../store/object-mask-spec";
import { sceneCoverage, useObjectMaskStore } from "../../store/object-mask-store";
import { useSamplesStore } from "../../store/samples-store";
import { useSessionStore } from "../../store/session-store";
import { useTokenFlowStore } from "../../store/token-flow-store";
import { PatchGrid } from "../flow/PatchGrid";
import { patchName } from "../flow/patch-name";
import { RunProgress } from "../flow/RunProgress";
import { signedToUnit } from "../flow/patch-colour";
import { PatchesTable } from "./PatchesTable";
import "../flow/token-flow.css";

const CHOICES: { value: MaskChoice; label: string }[] = [
  { value: "scene", label: "Scene metadata" },
  { value: "mask", label: "Painted mask" },
  { value: "contribution", label: "Contribution threshold" },
];

export function ObjectMaskPanel() {
  const backend = useBackendStore((store) => store.state);
  const image = useSessionStore((store) => store.image);
  const attribution = useAnalysisStore((store) => store.attribution);
  const patches = useDeferredValue(useObjectBackgroundStore((store) => store.result));
  // Re-render when the samples arrive: the scene coverage comes from them.
  useSamplesStore((store) => store.state);
  const { choice, painted, threshold, scene, setChoice, setPatch, clearPainted, setThreshold } =
    useObjectMaskStore();
  const state = useObjectBackgroundStore((store) => store.state);
  const flowState = useTokenFlowStore((store) => store.state);
  const runPatches = useObjectBackgroundStore((store) => store.run);
  const cancel = useObjectBackgroundStore((store) => store.cancel);
  const model = backend.status === "ready" ? backend.report.model : null;
  const coverage = model !== null ? sceneCoverage(scene, image) : null;
  const grid = model?.grid;
  const count = grid ? grid[0] * grid[1] : 0;
  const mask = painted.length === count ? painted : new Array<boolean>(count).fill(false);
  const contributions = useMemo(() => (patches ? patches.contributions.flat() : null), [patches]);
  // The map's grid is the result's display grid: the model's patch grid, or for a model
  // that tiles the image (SmolVLM) the tiles' mosaic, whose cells the mask preview (drawn
  // on the model's grid) does not match: there the run's own object cells are outlined.
  const mapGrid = patches?.grid ?? grid;
  const tiled =
    patches !== undefined &&
    patches !== null &&
    grid !== undefined &&
    (patches.grid[0] !== grid[0] || patches.grid[1] !== grid[1]);
  const ownPreview = previewMask(choice, { coverage, painted: mask, threshold }, contributions);
  const preview = useMemo(() => {
    if (!tiled || !patches) return ownPreview;
    const cells = new Array<boolean>(patches.grid[0] * patches.grid[1]).fill(false);
    for (const p of patches.objectMask.patches) cells[p] = true;
    return cells;
  }, [tiled, patches, ownPreview]);
  const heat = useMemo(
    () => (contributions ? signedToUnit(contributions) : undefined),
    [contributions],
  );
  /** While dragging, every cell passed over gets the value the drag started with. */
  const paintValue = useRef(true);
  const busy =
    state.status === "running" ||
    flowState.status === "running" ||
    attribution.status === "running";

  return (
    <section className="object-mask" aria-labelledby="object-mask-title">
      <h2 id="object-mask-title">Object vs background</h2>
      <fieldset disabled={busy}>
        <legend>Object patches from</legend>
        {CHOICES.map((option) => (
          <label key={option.value}>
            <input
              type="radio"
              name="object-mask-choice"
              value={option.value}
              checked={choice === option.value}
              disabled={option.value === "scene" && coverage === null}
              onChange={() => setChoice(option.value)}
            />{" "}
            {option.label}
            {option.value === "scene" && coverage === null && " (bundled samples only)"}
          </label>
        ))}
      </fieldset>
      {choice === "contribution" && (
        <label className="threshold">
          Contribution threshold{" "}
          <input
            type="range"
            aria-label="Contribution threshold"
            min={0.05}
            max={1}
            step={0.05}
            value={threshold}
            onChange={(event) => setThreshold(Number(event.target.value))}
          />{" "}
          <output>{Math.round(threshold * 100)}% of the largest</output>
        </label>
      )}
      {image !== null && grid && (
        <figure>
          {choice === "mask" ? (
            <PatchGrid
              image={image}
              grid={grid}
              side={224}
              label="Object mask"
              outline={mask}
              selected={mask}
              cellLabel={(p) => patchName(p, grid)}
              onPress={(p) => {
                paintValue.current = !mask[p];
                setPatch(p, paintValue.current);
              }}
              onDrag={(p) => setPatch(p, paintValue.current)}
            />
          ) : (
            <PatchGrid
              image={image}
              grid={mapGrid ?? grid}
              side={224}
              label="Contribution map"
              heat={heat}
              outline={preview}
              cellLabel={(p) => patchName(p, mapGrid ?? grid, preview?.[p] === true)}
              cellData={(p): Record<`data-${string}`, string> =>
                contributions ? { "data-contribution": String(contributions[p]) } : {}
              }
            />
          )}
          <figcaption>
            {choice === "mask"
              ? "Click or drag over the patches that show the object (outlined)."
              : contributions
                ? "Orange: blocking the text from this patch lowers the answer; blue: raises it. White outlines: object patches."
                : preview
                  ? "White outlines: object patches. The contribution map appears after a comparison."
                  : "The contribution map (and the object patches it picks) appears after a comparison."}
          </figcaption>
          {choice === "mask" && (
            <button type="button" className="link-button" onClick={clearPainted}>
              Clear mask
            </button>
          )}
        </figure>
      )}
      <div className="attribution-actions">
        <button
          type="button"
          disabled={model === null || image === null || busy}
          onClick={() => void runPatches()}
        >
          Compare object and background
        </button>
      </div>
      {state.status === "running" && (
        <RunProgress state={state} label="Object vs background" onCancel={cancel} />
      )}
      {state.status === "cancelled" && <p role="status">Comparison cancelled.</p>}
      {state.status === "failed" && (
        <p role="alert" className="error">
          {state.message}
        </p>
      )}
      {patches && <PatchesTable result={patches} />}
    </section>
  );
}
