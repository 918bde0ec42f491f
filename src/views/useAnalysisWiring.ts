/**
 * Connects the app's stores once, at the top: what a new analysis session clears
 * (resets.ts), a decoded image becomes the analysed image (once a model is loaded, and
 * again with each model the user loads), the question box starts with the model's default
 * question, the URL fragment opens permalinks, and finished results are saved to the history.
 */
import { useEffect } from "react";
import { useAnalysisStore } from "../store/analysis-store";
import { useBackendStore } from "../store/backend-store";
import { startHistoryAutosave } from "../store/history-autosave";
import { useImageStore } from "../store/image-store";
import { followLocationPermalink } from "../store/permalink-location";
import { installResets } from "../store/resets";
import { useSessionStore } from "../store/session-store";

export function useAnalysisWiring(): void {
  const backend = useBackendStore((store) => store.state);
  const imageState = useImageStore((store) => store.state);
  const analyseImage = useAnalysisStore((store) => store.analyseImage);
  const setQuestion = useSessionStore((store) => store.setQuestion);

  useEffect(() => installResets(), []);
  useEffect(() => startHistoryAutosave(), []);
  useEffect(() => followLocationPermalink(), []);

  const model = backend.status === "ready" ? backend.report.model : null;
  const defaultQuestion = model?.questions[0];
  useEffect(() => {
    // Only fill an untouched box: an opened permalink brings its own question.
    if (defaultQuestion !== undefined && useSessionStore.getState().question === "") {
      setQuestion(defaultQuestion);
    }
  }, [defaultQuestion, setQuestion]);

  const decoded = imageState.status === "ready" ? imageState.image : null;
  useEffect(() => {
    // A model the user loads replaces the model info: the shown image was prepared, asked
    // and attributed with the previous model, so it is analysed again (input size and
    // heads differ).
    if (decoded === null || model === null) return;
    void analyseImage(decoded.name, decoded.width, decoded.height, decoded.pixels);
  }, [decoded, model, analyseImage]);
}
