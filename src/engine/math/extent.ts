/**
 * The smallest and the largest of many numbers. `Math.min(...values)` passes every value
 * as an argument, on the stack, and from about 1e5 values throws "Maximum call stack size
 * exceeded"; these loop, and otherwise answer as Math.min/max do: NaN when a value is NaN,
 * Infinity (min) or -Infinity (max) when there are none.
 */
export function minOf(values: Iterable<number>): number {
  let min = Infinity;
  for (const value of values) {
    if (Number.isNaN(value)) return Number.NaN;
    if (value < min) min = value;
  }
  return min;
}

export function maxOf(values: Iterable<number>): number {
  let max = -Infinity;
  for (const value of values) {
    if (Number.isNaN(value)) return Number.NaN;
    if (value > max) max = value;
  }
  return max;
}
