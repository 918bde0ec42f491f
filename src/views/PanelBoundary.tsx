/**
 * Keeps one panel's failure inside that panel: a render-time error (e.g. from data a link
 * or an imported file brought in) shows why in place of the panel and offers to try again,
 * while the other panels and the history stay usable. When the page shows a permalink, the
 * link is taken out of the address bar, so a reload starts clean instead of failing again.
 */
import { Component, type ErrorInfo, type ReactNode } from "react";
import { clearLocationPermalink } from "../store/permalink-location";

interface Props {
  /** The panel's name, as the user sees it. */
  name: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

export class PanelBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    clearLocationPermalink();
    console.error(`The ${this.props.name} panel failed:`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (error === null) return this.props.children;
    return (
      <section className="panel-failed" role="alert" aria-label={`${this.props.name} failed`}>
        <h2>{this.props.name}</h2>
        <p>
          This panel failed: {error.message || error.name}. The rest of HeadFlow still works; open
          another analysis or try again.
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </section>
    );
  }
}
