import { useEffect } from "react";
import { useBackendStore } from "../store/backend-store";
import { showPermalink } from "../store/permalink-location";
import { AskPanel } from "./AskPanel";
import { AttributionPanel } from "./AttributionPanel";
import { BackendBadge } from "./BackendBadge";
import { HeadDetail } from "./HeadDetail";
import { HistoryPanel } from "./HistoryPanel";
import { ImagePanel } from "./ImagePanel";
import { RankingCurves } from "./RankingCurves";
import { SharePanel } from "./SharePanel";
import { ImageSetsPanel } from "./sets/ImageSetsPanel";
import { TokenFlowPanel } from "./flow/TokenFlowPanel";
import { ObjectMaskPanel } from "./objectmask/ObjectMaskPanel";
import { ModelControl } from "./model/ModelControl";
import "./explorer.css";
import { useAnalysisWiring } from "./useAnalysisWiring";

export function App() {
  const start = useBackendStore((store) => store.start);
  useEffect(() => {
    void start(window.location.search);
  }, [start]);
  useAnalysisWiring();

  return (
    <div className="app">
      <header className="app-header">
        <h1>HeadFlow</h1>
        <p className="tagline">
          How a vision-language model moves information from an image into its answer, head by head.
        </p>
        <BackendBadge />
        <ModelControl />
      </header>
      <main className="app-main">
        <div className="column">
          <ImagePanel />
          <AskPanel />
        </div>
        <div className="column">
          <AttributionPanel />
          <HeadDetail />
          <RankingCurves />
        </div>
        <div className="column">
          <SharePanel />
          <HistoryPanel onOpen={(analysis) => showPermalink(analysis.payload)} />
        </div>
        <div className="column wide-row">
          <TokenFlowPanel />
          <ObjectMaskPanel />
        </div>
      </main>
      <ImageSetsPanel />
    </div>
  );
}
