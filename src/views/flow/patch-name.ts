/** The accessible name of a patch cell: its row and column on the grid, and whether it is object. */
export function patchName(
  patch: number,
  grid: readonly [number, number],
  isObject = false,
): string {
  const name = `Patch row ${Math.floor(patch / grid[1])}, column ${patch % grid[1]}`;
  return isObject ? `${name} (object)` : name;
}
