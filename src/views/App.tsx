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
import { TrustPanel } from "./trust/TrustPanel";
import { PanelBoundary } from "./PanelBoundary";
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
        <PanelBoundary name="Model">
          <ModelControl />
        </PanelBoundary>
      </header>
      <main className="app-main">
        <div className="column">
          <PanelBoundary name="Image">
            <ImagePanel />
          </PanelBoundary>
          <PanelBoundary name="Question">
            <AskPanel />
          </PanelBoundary>
        </div>
        <div className="column">
          <PanelBoundary name="Attribution">
            <AttributionPanel />
          </PanelBoundary>
          <PanelBoundary name="Head detail">
            <HeadDetail />
          </PanelBoundary>
          <PanelBoundary name="Ranking curves">
            <RankingCurves />
          </PanelBoundary>
        </div>
        <div className="column">
          <PanelBoundary name="Share">
            <SharePanel />
          </PanelBoundary>
          <PanelBoundary name="History">
            <HistoryPanel onOpen={(analysis) => showPermalink(analysis.payload)} />
          </PanelBoundary>
        </div>
        <div className="column wide-row">
          <PanelBoundary name="Token flow">
            <TokenFlowPanel />
          </PanelBoundary>
          <PanelBoundary name="Object vs background">
            <ObjectMaskPanel />
          </PanelBoundary>
          <PanelBoundary name="Trust views">
            <TrustPanel />
          </PanelBoundary>
        </div>
      </main>
      <PanelBoundary name="Image sets">
        <ImageSetsPanel />
      </PanelBoundary>
    </div>
  );
}
