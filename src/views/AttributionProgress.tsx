/**
 * A running attribution: progress bar, masks done, time left, the live fit, how it
 * converges (ConvergenceChart), and Cancel.
 */
import type { AttributionState } from "../store/analysis-store";
import { ConvergenceChart, useConvergence } from "./ConvergenceChart";
import { formatDuration } from "./numbers";

export function AttributionProgress({
  state,
  onCancel,
}: {
  state: Extract<AttributionState, { status: "running" }>;
  onCancel(): void;
}) {
  const elapsed = state.updatedAt - state.startedAt;
  const remaining = state.done > 0 ? (elapsed / state.done) * (state.total - state.done) : NaN;
  const points = useConvergence(state);
  return (
    <div className="attribution-progress">
      <progress aria-label="Attribution progress" max={state.total} value={state.done} />
      <span role="status">
        {state.done} of {state.total} samples, about {formatDuration(remaining)} left
        {state.heldOutR !== null && ` · held-out r so far ${state.heldOutR.toFixed(3)}`}
      </span>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <ConvergenceChart points={points} total={state.total} />
    </div>
  );
}
