/**
 * The added sets: name and labels (editable), how many images are ready, and every image
 * that cannot be used with its reason (it is skipped by the run).
 */
import { useSetsStore, type ImageSet } from "../../store/sets-store";

export function SetList() {
  const sets = useSetsStore((store) => store.sets);
  const running = useSetsStore((store) => store.run.status === "running");
  if (sets.length === 0) return <p className="hint">No sets yet.</p>;
  return (
    <ul className="set-list" aria-label="Sets">
      {sets.map((set) => (
        <SetItem key={set.id} set={set} disabled={running} />
      ))}
    </ul>
  );
}

function SetItem({ set, disabled }: { set: ImageSet; disabled: boolean }) {
  const updateSet = useSetsStore((store) => store.updateSet);
  const removeSet = useSetsStore((store) => store.removeSet);
  const ready = set.images.filter((i) => i.state.status === "ready");
  const preparing = set.images.filter((i) => i.state.status === "preparing").length;
  const failed = set.images.flatMap((i) =>
    i.state.status === "failed" ? [{ id: i.id, message: i.state.message }] : [],
  );
  const ownLabels = set.images.some((i) => i.labels !== null);
  return (
    <li className="set-item" aria-label={`Set ${set.name}`}>
      <div className="set-fields">
        <label>
          Set name{" "}
          <input
            value={set.name}
            disabled={disabled}
            onChange={(event) => updateSet(set.id, { name: event.currentTarget.value })}
          />
        </label>
        <label>
          Category{" "}
          <input
            value={set.category}
            disabled={disabled}
            placeholder={ownLabels ? "from labels.json" : "none"}
            onChange={(event) => updateSet(set.id, { category: event.currentTarget.value })}
          />
        </label>
        <label>
          Style{" "}
          <input
            value={set.style}
            disabled={disabled}
            placeholder={ownLabels ? "from labels.json" : "none"}
            onChange={(event) => updateSet(set.id, { style: event.currentTarget.value })}
          />
        </label>
        <button type="button" disabled={disabled} onClick={() => removeSet(set.id)}>
          Remove set
        </button>
      </div>
      <p className="set-status" data-testid="set-status">
        {ready.length} of {set.images.length} images ready
        {preparing > 0 && `, ${preparing} being prepared`}
        {failed.length > 0 && `, ${failed.length} skipped`}
        {ownLabels && " · images labelled by labels.json keep their own labels"}
      </p>
      <div className="set-thumbs" aria-hidden="true">
        {ready
          .slice(0, 24)
          .map((image) =>
            image.state.status === "ready" ? (
              <img key={image.id} src={image.state.thumbnail} alt="" width={32} height={32} />
            ) : null,
          )}
      </div>
      {failed.length > 0 && (
        <ul className="set-problems" aria-label={`Skipped images of ${set.name}`}>
          {failed.map((problem) => (
            <li key={problem.id} className="error">
              {problem.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
