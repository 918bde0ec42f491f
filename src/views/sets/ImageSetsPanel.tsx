/**
 * The image sets view (paper finding 2): add sets, run attribution over every image, and
 * compare sets (mean heatmaps), images (similarity matrix) and labels (the semantic vs
 * appearance test). The same analysis as `headflow sets`, with the same JSON.
 */
import { useSetsStore } from "../../store/sets-store";
import { SetIntake } from "./SetIntake";
import { SetList } from "./SetList";
import { SetsFiles } from "./SetsFiles";
import { SetsResults } from "./SetsResults";
import { SetsRunPanel } from "./SetsRunPanel";
import "./sets.css";

export function ImageSetsPanel() {
  const result = useSetsStore((store) => store.result);
  return (
    <section className="image-sets" aria-labelledby="image-sets-title">
      <h2 id="image-sets-title">Image sets</h2>
      <div className="sets-top">
        <div>
          <SetIntake />
          <SetList />
        </div>
        <div>
          <SetsRunPanel />
          <SetsFiles />
        </div>
      </div>
      {result !== null && <SetsResults result={result.data} source={result.source} />}
    </section>
  );
}
