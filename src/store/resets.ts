/**
 * What a change of the analysis clears, declared in one place (the stores themselves
 * subscribe to nothing):
 *
 * | change                        | clears                                                  |
 * | ----------------------------- | ------------------------------------------------------- |
 * | new image or question         | head detail and head set, ranking curves, token flow    |
 * |                               | and object vs background runs (the analysis store drops |
 * |                               | their results itself)                                   |
 * | new image, question, baseline | rankings (the one on show is recomputed)                |
 * | or target                     |                                                         |
 * | new image                     | the object mask: the opened analysis's, else the scene  |
 * |                               | mask once the image is known to be a bundled sample     |
 * | samples list or model arrives | nothing: the scene check runs again for the image shown |
 *
 * Installed once by the app (useAnalysisWiring); returns the uninstall.
 */
import { NO_EXTRAS } from "./analysis-extras";
import { useAnalysisStore, type AnalysisStore } from "./analysis-store";
import { useBackendStore } from "./backend-store";
import { useEvaluateStore } from "./evaluate-store";
import { useHeadStore } from "./head-store";
import { checkScene, startMaskForImage } from "./object-mask-store";
import { useRankingStore } from "./ranking-store";
import { useSamplesStore } from "./samples-store";
import { useTokenFlowStore } from "./token-flow-store";

/** An opened analysis (permalink, history) brings results together with its image. */
function openedExtras(state: AnalysisStore, previous: AnalysisStore) {
  return state.extras !== previous.extras && state.extras !== NO_EXTRAS ? state.extras : null;
}

export function installResets(): () => void {
  const stops = [
    useAnalysisStore.subscribe((state, previous) => {
      const newImage = state.image !== previous.image;
      const newQuestion = state.asked !== previous.asked;
      if (newImage || newQuestion) {
        useHeadStore.getState().reset();
        useEvaluateStore.getState().reset();
        useTokenFlowStore.getState().forget();
      }
      const { baseline, target } = state.settings;
      const newScoring =
        baseline !== previous.settings.baseline || target !== previous.settings.target;
      if (newImage || newQuestion || newScoring) useRankingStore.getState().refresh();
      if (newImage) startMaskForImage(openedExtras(state, previous));
    }),
    // An analysis opened before the samples list or the model arrived is checked once they do.
    useSamplesStore.subscribe((state, previous) => {
      if (state.state.status === "ready" && previous.state.status !== "ready") void checkScene();
    }),
    useBackendStore.subscribe((state, previous) => {
      if (state.state.status === "ready" && previous.state.status !== "ready") void checkScene();
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
