/** Which per-head score the heatmap shows (attribution, attention weight, single-head). */
import { MODE_LABELS, useRankingStore, type ScoreMode } from "../store/ranking-store";

const MODES: ScoreMode[] = ["attribution", "attention", "single-head"];

export function ScoreModeSwitch({ disabled }: { disabled: boolean }) {
  const mode = useRankingStore((store) => store.mode);
  const setMode = useRankingStore((store) => store.setMode);
  return (
    <fieldset className="score-mode" disabled={disabled}>
      <legend>Scores</legend>
      {MODES.map((value) => (
        <label key={value}>
          <input
            type="radio"
            name="score-mode"
            value={value}
            checked={mode === value}
            onChange={() => void setMode(value)}
          />
          {MODE_LABELS[value]}
        </label>
      ))}
    </fieldset>
  );
}
