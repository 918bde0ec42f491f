/** Finding the history record an attribution was saved under (history-extras-autosave.ts). */
import type { StoredAnalysis } from "./history/analysis-record";

/**
 * The saved record of an attribution, found by its result's creation time and image (an
 * attribution's createdAt is an ISO timestamp with milliseconds, unique in practice).
 */
export function savedRecordOf(
  analyses: readonly StoredAnalysis[],
  attribution: { createdAt: string; image: { name: string } },
): StoredAnalysis | undefined {
  return analyses.find((record) => {
    const saved = (record.payload as { attribution?: unknown }).attribution as
      { createdAt?: unknown; image?: { name?: unknown } } | undefined;
    return (
      saved?.createdAt === attribution.createdAt && saved.image?.name === attribution.image.name
    );
  });
}
