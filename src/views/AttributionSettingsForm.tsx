/**
 * The attribution's advanced settings: samples, alpha, seed, baseline, target and whether
 * to stop once the estimate is stable (the engine's stopping rule). The
 * `mean` baseline needs the bundle's reference images; without them it is unavailable and
 * the form says so.
 */
import { useEffect, useId } from "react";
import { DEFAULT_STOP_RULE, MAX_ATTRIBUTION_SAMPLES, TARGET_KINDS } from "../engine";
import { useSessionStore } from "../store/session-store";

export function AttributionSettingsForm({
  referenceImages,
  disabled,
}: {
  referenceImages: number;
  disabled: boolean;
}) {
  const id = useId();
  const settings = useSessionStore((store) => store.settings);
  const setSettings = useSessionStore((store) => store.setSettings);
  const meanAvailable = referenceImages > 0;

  useEffect(() => {
    if (!meanAvailable && settings.baseline === "mean") setSettings({ baseline: "blank" });
  }, [meanAvailable, settings.baseline, setSettings]);

  const number = (key: "samples" | "alpha" | "seed", value: string) => {
    const parsed = Number(value);
    if (value.trim() === "" || !Number.isFinite(parsed)) return;
    // The same bound as the CLI's --samples: a larger count is hours of work.
    setSettings({ [key]: key === "samples" ? Math.min(parsed, MAX_ATTRIBUTION_SAMPLES) : parsed });
  };

  return (
    <details className="attribution-settings">
      <summary>Advanced settings</summary>
      <fieldset disabled={disabled}>
        <label htmlFor={`${id}-samples`}>Samples</label>
        <input
          id={`${id}-samples`}
          type="number"
          min={10}
          max={MAX_ATTRIBUTION_SAMPLES}
          step={1}
          value={settings.samples}
          onChange={(event) => number("samples", event.currentTarget.value)}
        />
        <label htmlFor={`${id}-alpha`}>Alpha</label>
        <input
          id={`${id}-alpha`}
          type="number"
          min={0.01}
          max={0.99}
          step={0.01}
          value={settings.alpha}
          onChange={(event) => number("alpha", event.currentTarget.value)}
        />
        <label htmlFor={`${id}-seed`}>Seed</label>
        <input
          id={`${id}-seed`}
          type="number"
          min={0}
          step={1}
          value={settings.seed}
          onChange={(event) => number("seed", event.currentTarget.value)}
        />
        <label htmlFor={`${id}-baseline`}>Baseline</label>
        <select
          id={`${id}-baseline`}
          value={settings.baseline}
          onChange={(event) =>
            setSettings({ baseline: event.currentTarget.value === "mean" ? "mean" : "blank" })
          }
        >
          <option value="mean" disabled={!meanAvailable}>
            mean of {referenceImages} reference images
          </option>
          <option value="blank">blank (uniform gray)</option>
        </select>
        <label htmlFor={`${id}-target`}>Target</label>
        <select
          id={`${id}-target`}
          value={settings.target}
          onChange={(event) => {
            const target = TARGET_KINDS.find((kind) => kind === event.currentTarget.value);
            if (target) setSettings({ target });
          }}
        >
          {TARGET_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {TARGET_LABELS[kind]}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-stop`}>Stop when stable</label>
        <input
          id={`${id}-stop`}
          type="checkbox"
          aria-describedby={`${id}-stop-hint`}
          checked={settings.stop === "auto"}
          onChange={(event) => setSettings({ stop: event.currentTarget.checked ? "auto" : "off" })}
        />
        <p id={`${id}-stop-hint`} className="hint">
          Ends before the sample count once the top {DEFAULT_STOP_RULE.k} heads and the held-out r
          have held still over the last 36% of the masks drawn.
        </p>
      </fieldset>
      <p className="hint">
        Each sample ablates every head with probability alpha; a linear fit over the samples gives
        each head's attribution.
        {!meanAvailable &&
          " This model lists no reference images, so the mean baseline is unavailable; blank is used."}
      </p>
    </details>
  );
}

const TARGET_LABELS = {
  logit: "answer logit",
  logprob: "answer log-probability",
  margin: "margin over the runner-up",
} as const;
