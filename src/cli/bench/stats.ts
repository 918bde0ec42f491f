/** Small helpers for benchmark figures. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/**
 * Wall time and this process's CPU time (all threads, user + system) of some work. On a
 * machine shared with other jobs, wall-time ratios swing with their load; CPU-time ratios
 * measure the work itself and are reported beside them.
 */
export async function timed<T>(
  work: () => Promise<T>,
): Promise<{ ms: number; cpuMs: number; value: T }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, value };
}
