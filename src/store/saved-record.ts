/**
 * How the history keeps the analysis on show: the record a later result of the same
 * analysis rewrites (an attribution after its token flow, a token flow after its
 * attribution), and the title it is listed under.
 */
import type { StoredAnalysis } from "./history/analysis-record";
import type { AnalysisPayload } from "./analysis-payload";

/**
 * What identifies a result: its creation time (an ISO timestamp with milliseconds, unique
 * in practice) and its image's name.
 */
interface ResultRef {
  createdAt: string;
  image: string;
}

interface ResultRefs {
  attribution: ResultRef | null;
  /** Token flow and object vs background results. */
  others: ResultRef[];
}

function refOf(value: unknown): ResultRef | null {
  const result = value as { createdAt?: unknown; image?: { name?: unknown } } | null | undefined;
  const createdAt = result?.createdAt;
  const image = result?.image?.name;
  return typeof createdAt === "string" && typeof image === "string" ? { createdAt, image } : null;
}

/** The results of a payload. Stored payloads are only loosely validated: read with care. */
function refsOf(payload: unknown): ResultRefs {
  const fields = payload as {
    attribution?: unknown;
    flow?: { result?: unknown };
    patches?: unknown;
  };
  const others = [refOf(fields.flow?.result), refOf(fields.patches)];
  return {
    attribution: refOf(fields.attribution),
    others: others.filter((ref): ref is ResultRef => ref !== null),
  };
}

const same = (a: ResultRef, b: ResultRef) => a.createdAt === b.createdAt && a.image === b.image;

/**
 * The saved record of the analysis in `payload`: one with the same attribution, or, for a
 * record without an attribution, one sharing a token flow or object vs background result.
 * A record with another attribution is never it: each attribution run keeps its own.
 */
export function savedRecordOf(
  analyses: readonly StoredAnalysis[],
  payload: unknown,
): StoredAnalysis | undefined {
  const current = refsOf(payload);
  return analyses.find((record) => {
    const saved = refsOf(record.payload);
    if (saved.attribution !== null) {
      return current.attribution !== null && same(saved.attribution, current.attribution);
    }
    return saved.others.some((ref) => current.others.some((other) => same(ref, other)));
  });
}

/** "answer — image", and what an analysis without an attribution holds instead. */
export function titleOf(payload: AnalysisPayload): string {
  const main = payload.attribution ?? payload.flow?.result ?? payload.patches;
  const name = payload.image.name;
  const title = main ? `${main.answer.token} — ${name}` : name;
  if (payload.attribution !== null) return title;
  const held = [payload.flow && "token flow", payload.patches && "object vs background"];
  return `${title} (${held.filter(Boolean).join(", ")})`;
}
