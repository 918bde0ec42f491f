/**
 * Progress on stderr, stdout carrying only the JSON. On a terminal: a one-line bar with
 * the elapsed time and an ETA, redrawn in place. Elsewhere (logs, pipes, a cluster's log
 * collector) commands stay silent, except long jobs (`headflow sets`), which write one
 * JSON object per finished image (`JobProgress`) so a log shows how far a shard got.
 */
import type { CliIo } from "./output";

/** `95s` -> `1m35s`; `4000s` -> `1h06m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Seconds left at the pace so far: `elapsed` seconds went into `worked` items (items that
 * cost nothing, such as reused results, are left out of the pace), `left` remain.
 */
export function etaSeconds(elapsed: number, worked: number, left: number): number | null {
  if (left === 0) return 0;
  return worked > 0 ? (elapsed / worked) * left : null;
}

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

  /** `worked`: the items of `done` that took time (default: all of them), for the ETA. */
  update(done: number, total: number, note = "", worked = done): void {
    if (!this.io.stderrIsTty) return;
    const now = performance.now();
    if (done < total && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((width * Math.min(done, total)) / Math.max(1, total));
    const elapsed = (now - this.started) / 1000;
    const eta = etaSeconds(elapsed, worked, Math.max(0, total - done));
    const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
    const times = `${formatDuration(elapsed)}${eta !== null && done < total ? ` ETA ${formatDuration(eta)}` : ""}`;
    this.io.stderr(
      `\r${this.label} [${bar}] ${done}/${total} ${times}${note ? `  ${note}` : ""}\x1b[K`,
    );
    this.drawn = true;
  }

  /** Clears the bar's line. */
  done(): void {
    if (this.drawn) this.io.stderr("\r\x1b[K");
    this.drawn = false;
  }
}

/** One line of a long job's progress when stderr is not a terminal. */
export interface ProgressLine {
  shard: string | null;
  done: number;
  total: number;
  /** Seconds since the job started. */
  elapsed: number;
  /** Seconds left at the pace so far (null before the first computed item). */
  eta: number | null;
  file: string;
  reused: boolean;
}

/** Per-image progress of a long job: the bar on a terminal, else JSON lines. */
export class JobProgress {
  private readonly io: CliIo;
  private readonly shard: string | null;
  private readonly bar: ProgressBar;
  private readonly started = performance.now();
  private worked = 0;

  constructor(io: CliIo, label: string, shard: { index: number; count: number } | undefined) {
    this.io = io;
    this.shard = shard ? `${shard.index}/${shard.count}` : null;
    this.bar = new ProgressBar(io, shard ? `${label} ${this.shard}` : label);
  }

  image(done: number, total: number, file: string, reused: boolean): void {
    if (!reused) this.worked++;
    if (this.io.stderrIsTty) {
      this.bar.update(done, total, file, this.worked);
      return;
    }
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = etaSeconds(elapsed, this.worked, total - done);
    const line: ProgressLine = {
      shard: this.shard,
      done,
      total,
      elapsed: Math.round(elapsed * 10) / 10,
      eta: eta === null ? null : Math.round(eta * 10) / 10,
      file,
      reused,
    };
    this.io.stderr(`${JSON.stringify(line)}\n`);
  }

  /** A notice (a stored result recomputed, say): a line of text, or a JSON line. */
  note(event: string, fields: Record<string, unknown>, text: string): void {
    if (this.io.stderrIsTty) {
      this.bar.done();
      this.io.stderr(`headflow: ${text}\n`);
    } else {
      this.io.stderr(`${JSON.stringify({ shard: this.shard, event, ...fields })}\n`);
    }
  }

  done(): void {
    this.bar.done();
  }
}
