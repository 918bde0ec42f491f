/**
 * Resident memory read from Linux's /proc, for the real-scale bench: this process's peak
 * (VmHWM, which writing "5" to /proc/self/clear_refs resets, so each phase gets its own
 * peak), and the resident total of a process tree (Chromium's browser, zygote, renderer and
 * GPU processes, whose pids Playwright does not give), sampled while a phase runs. Elsewhere
 * than Linux every figure is null and says so.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";

const MIB = 1024 * 1024;

function statusField(pid: number | "self", field: string): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** This process's peak resident memory since the last reset (or start), in MiB. */
export function peakRssMib(): number | null {
  const bytes = statusField("self", "VmHWM");
  return bytes === null ? null : Math.round(bytes / MIB);
}

/** Starts a new peak (false where /proc/self/clear_refs cannot be written). */
export function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** pid -> parent pid of every process. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const after = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(entry), Number(after[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** Every descendant of `root` (not `root` itself). */
export function descendants(root: number): number[] {
  const tree = parents();
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of tree) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

export interface TreeMemory {
  /** Largest sampled sum of the descendants' resident memory, MiB. */
  peakTotalMib: number;
  /** Largest single process's peak (VmHWM) among them, MiB: the renderer with the workers. */
  peakProcessMib: number;
  samples: number;
}

/** Starts a new peak in each of this process's descendants (false where any refused). */
export function resetChildrenPeaks(): boolean {
  let ok = true;
  for (const pid of descendants(process.pid)) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
    } catch {
      ok = false;
    }
  }
  return ok;
}

/**
 * Samples the resident memory of this process's descendants every `everyMs` until stopped
 * (Chromium is a child of this process).
 */
export function sampleChildren(everyMs = 1000): { stop(): TreeMemory } {
  const hwm = new Map<number, number>();
  let peakTotal = 0;
  let samples = 0;
  const sample = () => {
    let total = 0;
    for (const pid of descendants(process.pid)) {
      total += statusField(pid, "VmRSS") ?? 0;
      const high = statusField(pid, "VmHWM");
      if (high !== null) hwm.set(pid, Math.max(hwm.get(pid) ?? 0, high));
    }
    peakTotal = Math.max(peakTotal, total);
    samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return {
        peakTotalMib: Math.round(peakTotal / MIB),
        peakProcessMib: Math.round([...hwm.values()].reduce((a, b) => Math.max(a, b), 0) / MIB),
        samples,
      };
    },
  };
}
