/**
 * The object vs background numbers: the answer probability with the text blocked from the
 * object patches, the background patches and the whole image (every layer), the drop from
 * the clean probability, and the drop per patch (groups differ in size).
 */
import type { PatchesResult } from "../../engine";
import { formatDuration, formatProbability } from "../numbers";

const SOURCES = {
  scene: "scene metadata",
  mask: "painted mask",
  contribution: "contribution threshold",
};

const signedPoints = (drop: number) =>
  `${drop > 0 ? "" : drop < 0 ? "−" : ""}${Math.abs(drop * 100).toFixed(2)} pt`;

export function PatchesTable({ result }: { result: PatchesResult }) {
  const rows = [
    { key: "object", label: "Object", block: result.object },
    { key: "background", label: "Background", block: result.background },
    { key: "image", label: "Whole image", block: result.wholeImage },
  ] as const;
  const { objectMask } = result;
  return (
    <>
      <table className="patches-table" aria-label="Object vs background">
        <thead>
          <tr>
            <th scope="col">Blocked</th>
            <th scope="col">Patches</th>
            <th scope="col">Answer p</th>
            <th scope="col">Drop</th>
            <th scope="col">Per patch</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ key, label, block }) => (
            <tr key={key} data-row={key} data-drop={String(block.drop)}>
              <th scope="row">{label}</th>
              <td>{block.patches}</td>
              <td>{formatProbability(block.probability)}</td>
              <td>{signedPoints(block.drop)}</td>
              <td>{signedPoints(block.dropPerPatch)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        Answer “{result.answer.token}”, clean probability{" "}
        {formatProbability(result.cleanProbability)}; object patches from the{" "}
        {SOURCES[objectMask.source]}
        {objectMask.threshold !== null && ` at ${objectMask.threshold}`}. Drops (clean minus
        blocked) in percentage points of probability; per patch: the drop over the group's patch
        count. {formatDuration(result.timings.totalMs)} on {result.runtime}.
      </p>
    </>
  );
}
