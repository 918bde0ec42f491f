/**
 * The selected head: its ablation impact and its final-token attention drawn over the
 * image; and the set of heads to ablate together.
 */
import { formatHead } from "../engine";
import { useBackendStore } from "../store/backend-store";
import { useHeadStore } from "../store/head-store";
import { useSessionStore } from "../store/session-store";
import { AblationImpact } from "./AblationImpact";
import { AnalysedImage } from "./AnalysedImage";

export function HeadDetail() {
  const backend = useBackendStore((store) => store.state);
  const image = useSessionStore((store) => store.image);
  const selected = useHeadStore((store) => store.selected);
  const detail = useHeadStore((store) => store.detail);
  const addToSet = useHeadStore((store) => store.addToSet);
  const modelGrid = backend.status === "ready" ? backend.report.model.grid : undefined;
  // The map lies on the image's display grid: the model's patch grid, or the mosaic of the
  // tiles a processor split the image into (SmolVLM), which the engine gives with it.
  const map =
    detail.status === "done" && typeof detail.attention === "object" ? detail.attention : null;
  const grid = map?.grid ?? modelGrid;

  return (
    <section className="head-detail" aria-labelledby="head-detail-title">
      <h2 id="head-detail-title">Head detail</h2>
      {selected === null && (
        <p className="hint">
          Click a head in the map, or move to it with the arrow keys and press Enter, to ablate it
          and see where it looks.
        </p>
      )}
      {selected !== null && image === null && (
        <p className="hint">This analysis came without its image, so heads cannot be ablated.</p>
      )}
      {selected !== null && detail.status === "running" && (
        <p role="status">Ablating head {formatHead(selected)}…</p>
      )}
      {detail.status === "failed" && (
        <p role="alert" className="error">
          {detail.message}
        </p>
      )}
      {selected !== null && detail.status === "done" && image !== null && (
        <div className="head-detail-body">
          <h3>Head {formatHead(selected)}</h3>
          <AblationImpact
            result={detail.ablation}
            label={`Ablating head ${formatHead(selected)}`}
          />
          <figure>
            <AnalysedImage
              image={image}
              overlay={map?.values}
              grid={grid}
              side={192}
              label={`Attention of head ${formatHead(selected)} from the final token over the image`}
            />
            <figcaption>
              {detail.attention === null
                ? "This model's graphs expose no attention weights, so where the head looks is unavailable."
                : map !== null
                  ? "Where the final token looks in this head (brighter = more attention)."
                  : "This image's positions form no patch grid, so the attention map is not drawn."}
            </figcaption>
          </figure>
          <button type="button" onClick={() => addToSet(selected)}>
            Add head {formatHead(selected)} to the set
          </button>
        </div>
      )}
      <HeadSet />
    </section>
  );
}

function HeadSet() {
  const heads = useHeadStore((store) => store.heads);
  const joint = useHeadStore((store) => store.joint);
  const removeFromSet = useHeadStore((store) => store.removeFromSet);
  const ablateSet = useHeadStore((store) => store.ablateSet);
  if (heads.length === 0) return null;
  return (
    <div className="head-set" role="group" aria-label="Head set">
      <h3>Head set</h3>
      <ul>
        {heads.map((head) => (
          <li key={formatHead(head)}>
            {formatHead(head)}{" "}
            <button
              type="button"
              className="link-button"
              aria-label={`Remove head ${formatHead(head)} from the set`}
              onClick={() => removeFromSet(head)}
            >
              remove
            </button>
          </li>
        ))}
      </ul>
      <button type="button" disabled={joint.status === "running"} onClick={() => void ablateSet()}>
        Ablate the set together
      </button>
      {joint.status === "running" && <p role="status">Ablating {heads.length} heads…</p>}
      {joint.status === "failed" && (
        <p role="alert" className="error">
          {joint.message}
        </p>
      )}
      {joint.status === "done" && (
        <AblationImpact result={joint.ablation} label="Ablating the set together" />
      )}
    </div>
  );
}
