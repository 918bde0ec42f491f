/**
 * Settings and the run over every ready image: overall progress with the time left, the
 * current image's map filling in live, and Cancel.
 */
import { useMemo } from "react";
import { TARGET_KINDS, type TargetKind } from "../../engine";
import { useBackendStore } from "../../store/backend-store";
import { useSetsStore, type SetsRunState } from "../../store/sets-store";
import { Heatmap } from "../heatmap/Heatmap";
import { formatDuration } from "../numbers";

function positiveInteger(text: string, fallback: number): number {
  const value = Number.parseInt(text, 10);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export function SetsRunPanel() {
  const backend = useBackendStore((store) => store.state);
  const sets = useSetsStore((store) => store.sets);
  const settings = useSetsStore((store) => store.settings);
  const setSettings = useSetsStore((store) => store.setSettings);
  const run = useSetsStore((store) => store.run);
  const runSets = useSetsStore((store) => store.runSets);
  const cancel = useSetsStore((store) => store.cancel);
  const model = backend.status === "ready" ? backend.report.model : null;
  const ready = sets.reduce(
    (n, s) => n + s.images.filter((i) => i.state.status === "ready").length,
    0,
  );
  const preparing = sets.reduce(
    (n, s) => n + s.images.filter((i) => i.state.status === "preparing").length,
    0,
  );
  const busy = run.status === "running" || run.status === "summarising";

  return (
    <div className="sets-run">
      <div className="sets-settings">
        <label>
          Masks per image{" "}
          <input
            type="number"
            min={10}
            step={10}
            value={settings.samples}
            disabled={busy}
            onChange={(event) =>
              setSettings({ samples: positiveInteger(event.currentTarget.value, settings.samples) })
            }
          />
        </label>
        <label>
          Permutations{" "}
          <input
            type="number"
            min={0}
            step={1000}
            value={settings.permutations}
            disabled={busy}
            onChange={(event) =>
              setSettings({
                permutations: positiveInteger(event.currentTarget.value, settings.permutations),
              })
            }
          />
        </label>
        <label>
          Ablation replacement{" "}
          <select
            value={settings.baseline}
            disabled={busy}
            onChange={(event) =>
              setSettings({ baseline: event.currentTarget.value === "blank" ? "blank" : "mean" })
            }
          >
            <option value="mean" disabled={model !== null && model.referenceImages === 0}>
              mean
            </option>
            <option value="blank">blank</option>
          </select>
        </label>
        <label>
          Measured quantity{" "}
          <select
            value={settings.target}
            disabled={busy}
            onChange={(event) => setSettings({ target: event.currentTarget.value as TargetKind })}
          >
            {TARGET_KINDS.map((kind) => (
              <option key={kind}>{kind}</option>
            ))}
          </select>
        </label>
      </div>
      <div className="attribution-actions">
        <button
          type="button"
          disabled={model === null || ready === 0 || preparing > 0 || busy}
          onClick={() => model && void runSets(model.questions[0] ?? "", model)}
        >
          Run sets
        </button>
        <span className="hint">
          {ready} images ready
          {preparing > 0 && `, ${preparing} being prepared (the run waits for them)`}; each gets{" "}
          {settings.samples} masks (the same masks for every image, as in <code>headflow sets</code>
          ), with the model&apos;s default question.
        </span>
      </div>
      <RunState run={run} onCancel={cancel} />
    </div>
  );
}

function RunState({ run, onCancel }: { run: SetsRunState; onCancel(): void }) {
  if (run.status === "running") return <RunProgress run={run} onCancel={onCancel} />;
  if (run.status === "summarising")
    return <p role="status">Computing set means, similarity and the permutation test…</p>;
  if (run.status === "cancelled") return <p role="status">Sets run cancelled.</p>;
  if (run.status === "failed")
    return (
      <p role="alert" className="error">
        Sets run failed: {run.message}
      </p>
    );
  return null;
}

function RunProgress({
  run,
  onCancel,
}: {
  run: Extract<SetsRunState, { status: "running" }>;
  onCancel(): void;
}) {
  const fraction = (run.image + (run.total > 0 ? run.done / run.total : 0)) / run.images;
  const elapsed = run.updatedAt - run.startedAt;
  const remaining = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
  const label = useMemo(() => `Current image (${run.file})`, [run.file]);
  return (
    <div className="sets-progress">
      <div className="attribution-progress">
        <progress aria-label="Sets progress" max={1} value={fraction} />
        <span role="status">
          Image {run.image + 1} of {run.images} ({run.file}): {run.done} of {run.total} samples,
          about {formatDuration(remaining)} left
        </span>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {run.layers > 0 && (
        <Heatmap layers={run.layers} heads={run.heads} scores={run.scores} label={label} />
      )}
    </div>
  );
}
