/**
 * What a change of the analysis session (session-store.ts) clears, declared in one place
 * (the stores themselves subscribe to nothing):
 *
 * | change                        | clears                                                  |
 * | ----------------------------- | ------------------------------------------------------- |
 * | new image or question         | head detail and head set, ranking curves, token flow    |
 * |                               | and object vs background (runs and results; an opened   |
 * |                               | analysis brings its own results right after)            |
 * | new image, question, baseline | rankings (the one on show is recomputed)                |
 * | or target                     |                                                         |
 * | new image                     | the object mask: the opened analysis's, else the scene  |
 * |                               | mask once the image is known to be a bundled sample     |
 * | samples list or model arrives | nothing: the scene check runs again for the image shown |
 *
 * Installed once by the app (useAnalysisWiring); returns the uninstall.
 */
import { useBackendStore } from "./backend-store";
import { useEvaluateStore } from "./evaluate-store";
import { useHeadStore } from "./head-store";
import { useObjectBackgroundStore } from "./object-background-store";
import { useObjectMaskStore } from "./object-mask-store";
import { useRankingStore } from "./ranking-store";
import { useSamplesStore } from "./samples-store";
import { useSessionStore } from "./session-store";
import { useTokenFlowStore } from "./token-flow-store";

/** The stores' own actions that resets.ts calls (looked up once, at install). */
const clearers = () => ({
  head: useHeadStore.getState().reset,
  evaluate: useEvaluateStore.getState().reset,
  flow: useTokenFlowStore.getState().forget,
  objectBackground: useObjectBackgroundStore.getState().forget,
  rankings: useRankingStore.getState().refresh,
  mask: useObjectMaskStore.getState().startForImage,
  checkScene: useObjectMaskStore.getState().checkScene,
});

export function installResets(): () => void {
  const clear = clearers();
  const stops = [
    useSessionStore.subscribe((state, previous) => {
      const newImage = state.image !== previous.image;
      const newQuestion = state.asked !== previous.asked;
      if (newImage || newQuestion) {
        clear.head();
        clear.evaluate();
        clear.flow();
        clear.objectBackground();
      }
      const { baseline, target } = state.settings;
      const newScoring =
        baseline !== previous.settings.baseline || target !== previous.settings.target;
      if (newImage || newQuestion || newScoring) clear.rankings();
      if (newImage) {
        clear.mask(state.origin.kind === "opened" ? state.origin.objectMask : null);
      }
    }),
    // An analysis opened before the samples list or the model arrived is checked once they do.
    useSamplesStore.subscribe((state, previous) => {
      if (state.state.status === "ready" && previous.state.status !== "ready") {
        void clear.checkScene();
      }
    }),
    useBackendStore.subscribe((state, previous) => {
      if (state.state.status === "ready" && previous.state.status !== "ready") {
        void clear.checkScene();
      }
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
