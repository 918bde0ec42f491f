/**
 * Ctrl-C (SIGINT) and SIGTERM. The first aborts the run's AbortSignal: a model download
 * stops at once (its fetch is aborted), a local model load before its next file, an
 * analysis at its next batch; the command then ends with one line on stderr and exit
 * code 130 (SIGINT) or 143 (SIGTERM), the shell's 128 + signal number. Work that cannot
 * be interrupted (one onnxruntime call, a session being built) gets GRACE_MS to reach a
 * check, then the process exits anyway with the same line and code; a second signal
 * exits at once.
 */
import type { CliIo } from "./output";

export type InterruptSignal = "SIGINT" | "SIGTERM";

export const INTERRUPT_EXIT_CODES: Record<InterruptSignal, number> = {
  SIGINT: 130,
  SIGTERM: 143,
};

/**
 * How long an interrupted command may take to stop by itself (closing files, removing a
 * temporary --out file) before the process exits regardless: short enough that Ctrl-C
 * feels immediate.
 */
export const GRACE_MS = 500;

/** The abort reason of a run stopped by a signal. */
export class Interrupt extends Error {
  readonly signal: InterruptSignal;

  constructor(signal: InterruptSignal) {
    super(`cancelled (${signal})`);
    this.name = "Interrupt";
    this.signal = signal;
  }
}

/** The exit code and the one stderr line of a run whose signal aborted. */
export function interruptOutcome(signal: AbortSignal): { code: number; line: string } {
  const reason: unknown = signal.reason;
  if (reason instanceof Interrupt) {
    return {
      code: INTERRUPT_EXIT_CODES[reason.signal],
      line: `headflow: cancelled (${reason.signal})\n`,
    };
  }
  return { code: INTERRUPT_EXIT_CODES.SIGINT, line: "headflow: cancelled\n" };
}

/** The part of `process` used here, so tests can send signals without sending them. */
export interface SignalSource {
  on(event: InterruptSignal, listener: () => void): unknown;
  off(event: InterruptSignal, listener: () => void): unknown;
}

/**
 * Aborts `controller` on the first SIGINT or SIGTERM and exits (line, code) GRACE_MS
 * later or at a second signal. `dispose` (once the command has ended by itself, and said
 * so) clears the pending exit and the handlers.
 */
export function handleInterrupts(
  controller: AbortController,
  io: CliIo,
  exit: (code: number) => void,
  source: SignalSource = process,
  graceMs = GRACE_MS,
): { dispose(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const finish = () => {
    const { code, line } = interruptOutcome(controller.signal);
    // A progress bar may be half drawn on the line: clear it first.
    io.stderr(`${io.stderrIsTty ? "\r\x1b[K" : ""}${line}`);
    exit(code);
  };
  const listeners = (["SIGINT", "SIGTERM"] as const).map((name) => {
    const listener = () => {
      if (controller.signal.aborted) {
        clearTimeout(timer);
        finish();
        return;
      }
      controller.abort(new Interrupt(name));
      timer = setTimeout(finish, graceMs);
      // The pending exit alone must not keep a finished process alive.
      timer.unref?.();
    };
    source.on(name, listener);
    return [name, listener] as const;
  });
  return {
    dispose() {
      clearTimeout(timer);
      for (const [name, listener] of listeners) source.off(name, listener);
    },
  };
}
