import { useEffect } from "react";
import { useBackendStore } from "../store/backend-store";
import { showPermalink } from "../store/permalink-location";
import { BackendBadge } from "./BackendBadge";
import { HistoryPanel } from "./HistoryPanel";
import { ImagePanel } from "./ImagePanel";

export function App() {
  const start = useBackendStore((store) => store.start);
  useEffect(() => {
    void start(window.location.search);
  }, [start]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>HeadFlow</h1>
        <p className="tagline">
          How a vision-language model moves information from an image into its answer, head by head.
        </p>
        <BackendBadge />
      </header>
      <main className="app-main">
        <ImagePanel />
        <HistoryPanel onOpen={(analysis) => showPermalink(analysis.payload)} />
      </main>
    </div>
  );
}
