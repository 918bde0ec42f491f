import { describe, expect, it } from "vitest";
import type { AttributionResult } from "../engine";
import { scoresCsv } from "./scores-csv";

describe("scores as CSV", () => {
  it("writes one exact row per head, layer-major", () => {
    const result = {
      scores: [
        [0.5, -1e-7],
        [0.1 + 0.2, 3],
      ],
    } as AttributionResult;
    expect(scoresCsv(result)).toBe(
      "layer,head,score\n0,0,0.5\n0,1,-1e-7\n1,0,0.30000000000000004\n1,1,3\n",
    );
  });
});

describe("scores with standard errors as CSV", () => {
  it("adds a standard_error column, empty where the error is undefined", () => {
    const result = {
      scores: [[0.5, -0.25]],
      standardErrors: [[0.01, null]],
    } as AttributionResult;
    expect(scoresCsv(result)).toBe("layer,head,score,standard_error\n0,0,0.5,0.01\n0,1,-0.25,\n");
  });
});
