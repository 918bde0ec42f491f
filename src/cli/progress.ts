/**
 * A one-line progress bar on stderr, redrawn in place. Drawn only when stderr is a
 * terminal, so logs and pipes stay clean; stdout carries only the JSON.
 */
import type { CliIo } from "./output";

export class ProgressBar {
  private readonly io: CliIo;
  private readonly label: string;
  private readonly started = performance.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(io: CliIo, label: string) {
    this.io = io;
    this.label = label;
  }

  update(done: number, total: number, note = ""): void {
    if (!this.io.stderrIsTty) return;
    const now = performance.now();
    if (done < total && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((width * done) / Math.max(1, total));
    const seconds = ((now - this.started) / 1000).toFixed(1);
    const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
    this.io.stderr(
      `\r${this.label} [${bar}] ${done}/${total} ${seconds}s${note ? `  ${note}` : ""}\x1b[K`,
    );
    this.drawn = true;
  }

  /** Clears the bar's line. */
  done(): void {
    if (this.drawn) this.io.stderr("\r\x1b[K");
    this.drawn = false;
  }
}
