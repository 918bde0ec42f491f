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
  const grid = backend.status === "ready" ? backend.report.model.grid : undefined;
  // A processor that splits the image into tiles (SmolVLM) gives more image positions than
  // one patch grid: such a row cannot be drawn as a map.
  const onGrid =
    detail.status === "done" &&
    detail.attention !== null &&
    grid !== undefined &&
    detail.attention.length === grid[0] * grid[1];

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
              overlay={onGrid ? detail.attention! : undefined}
              grid={grid}
              side={192}
              label={`Attention of head ${formatHead(selected)} from the final token over the image`}
            />
            <figcaption>
              {detail.attention === null
                ? "This model's graphs expose no attention weights, so where the head looks is unavailable."
                : onGrid
                  ? "Where the final token looks in this head (brighter = more attention)."
                  : `The model split this image into tiles: its ${detail.attention.length} image positions (tiles and the tokens between them) form no single patch grid, so the attention map is not drawn.`}
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
