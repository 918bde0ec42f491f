/**
 * "Can this head score be trusted?": three views of the attribution on show, in tabs
 * (arrow keys move between them, as in the WAI-ARIA tabs pattern): attention weight vs
 * causal effect, baseline sensitivity, and a comparison with a second result.
 */
import { useRef, type KeyboardEvent } from "react";
import { useAnalysisStore, shownAttribution } from "../../store/analysis-store";
import { TRUST_VIEWS, useTrustStore, type TrustView } from "../../store/trust-store";
import { AttentionEffectView } from "./AttentionEffectView";
import { BaselineSensitivityView } from "./BaselineSensitivityView";
import { CompareView } from "./CompareView";
import "./trust.css";

const TAB_LABELS: Record<TrustView, string> = {
  attention: "Attention vs effect",
  baselines: "Baseline sensitivity",
  compare: "Compare",
};

export function TrustPanel() {
  const view = useTrustStore((store) => store.view);
  const setView = useTrustStore((store) => store.setView);
  const attribution = useAnalysisStore(shownAttribution);
  const tabs = useRef<Partial<Record<TrustView, HTMLButtonElement | null>>>({});

  const onKeyDown = (event: KeyboardEvent) => {
    const index = TRUST_VIEWS.indexOf(view);
    const next =
      event.key === "ArrowRight"
        ? TRUST_VIEWS[(index + 1) % TRUST_VIEWS.length]
        : event.key === "ArrowLeft"
          ? TRUST_VIEWS[(index + TRUST_VIEWS.length - 1) % TRUST_VIEWS.length]
          : event.key === "Home"
            ? TRUST_VIEWS[0]
            : event.key === "End"
              ? TRUST_VIEWS[TRUST_VIEWS.length - 1]
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    setView(next);
    tabs.current[next]?.focus();
  };

  return (
    <section className="trust-panel" aria-labelledby="trust-title">
      <h2 id="trust-title">Can the head scores be trusted?</h2>
      <div role="tablist" aria-label="Trust views" onKeyDown={onKeyDown}>
        {TRUST_VIEWS.map((value) => (
          <button
            key={value}
            ref={(element) => {
              tabs.current[value] = element;
            }}
            type="button"
            role="tab"
            id={`trust-tab-${value}`}
            aria-selected={view === value}
            aria-controls={`trust-panel-${value}`}
            tabIndex={view === value ? 0 : -1}
            onClick={() => setView(value)}
          >
            {TAB_LABELS[value]}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`trust-panel-${view}`}
        aria-labelledby={`trust-tab-${view}`}
        tabIndex={0}
      >
        {view === "attention" && <AttentionEffectView attribution={attribution} />}
        {view === "baselines" && <BaselineSensitivityView />}
        {view === "compare" && <CompareView attribution={attribution} />}
      </div>
    </section>
  );
}
