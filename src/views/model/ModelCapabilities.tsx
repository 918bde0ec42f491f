/** What a loaded third-party model's graphs allow, and what they do not (and why). */
import type { ThirdPartyInfo } from "../../workers/third-party-model";

export function ModelCapabilities({
  info,
  label,
  loadMs,
}: {
  info: ThirdPartyInfo;
  label: string;
  loadMs: number;
}) {
  const { capabilities } = info;
  const grouped = capabilities.headUnit === "kv-group";
  const weights = "attention weights (attention ranking, head attention map)";
  const knockout = "attention knockout (token flow, object/background patches)";
  const available = ["answer", "head ablation", "attribution", "single-head ranking"];
  const unavailable: string[] = [];
  (capabilities.attentionWeights ? available : unavailable).push(weights);
  (capabilities.knockout ? available : unavailable).push(knockout);
  unavailable.push("the mean baseline");
  return (
    <div className="model-capabilities" role="region" aria-label="Model capabilities">
      <p role="status">
        Loaded {label} ({info.modelType}, {info.dtype}) in {(loadMs / 1000).toFixed(1)} s, running
        on{" "}
        <span data-testid="third-party-backend">
          {info.backend === "webgpu" ? "WebGPU" : "wasm"}
        </span>
        .
      </p>
      {grouped && (
        <p className="model-groups">
          Heads are key/value groups: {info.queryHeads} query heads share {info.kvHeads} key/value
          heads per layer, so the heatmap&apos;s &ldquo;heads&rdquo; are these {info.kvHeads}{" "}
          groups.
        </p>
      )}
      <ul>
        <li>Available: {available.join(", ")}.</li>
        <li>Unavailable: {unavailable.join(", ")}.</li>
      </ul>
      <details>
        <summary>Why</summary>
        <ul>
          {capabilities.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}
