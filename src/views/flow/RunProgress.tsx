/** A running knockout analysis: its progress bar, runs done, and Cancel. */
import type { RunState } from "../../store/run-state";

export function RunProgress({
  state,
  label,
  onCancel,
}: {
  state: Extract<RunState, { status: "running" }>;
  label: string;
  onCancel(): void;
}) {
  const known = state.total > 0;
  return (
    <div className="attribution-progress">
      <progress
        aria-label={`${label} progress`}
        {...(known ? { max: state.total, value: state.done } : {})}
      />
      <span role="status">
        {known ? `${state.done} of ${state.total} knockout runs` : `${label}: starting…`}
      </span>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
