import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTION, fitScheduleOf, topKOverlap } from "../engine";
import { nextConvergence } from "./ConvergenceChart";

describe("the live convergence points", () => {
  const size = 64;
  const total = 1000;
  const checks = fitScheduleOf(size, { ...DEFAULT_ATTRIBUTION, samples: total }).checks;
  const estimate = (seed: number) =>
    Float64Array.from({ length: size }, (_, i) => Math.sin(i * 1.3 + seed * 0.2));
  const empty = { startedAt: Number.NaN, seen: null, previous: null, points: [] };

  it("takes an estimate at each check, with its top-10 overlap with the previous check's", () => {
    let state = nextConvergence(empty, {
      startedAt: 5,
      done: 0,
      total,
      scores: new Float64Array(size).fill(Number.NaN),
      heldOutR: null,
    });
    const first = estimate(1);
    state = nextConvergence(state, {
      startedAt: 5,
      done: checks[0]!,
      total,
      scores: first,
      heldOutR: 0.5,
    });
    // An estimate between checks (a refresh) is not a point, and neither is a repeat.
    state = nextConvergence(state, {
      startedAt: 5,
      done: checks[0]! + 3,
      total,
      scores: estimate(9),
      heldOutR: 0.1,
    });
    state = nextConvergence(state, {
      startedAt: 5,
      done: checks[0]! + 3,
      total,
      scores: state.seen!,
      heldOutR: 0.1,
    });
    const second = estimate(2);
    state = nextConvergence(state, {
      startedAt: 5,
      done: checks[1]!,
      total,
      scores: second,
      heldOutR: 0.6,
    });
    expect(state.points).toEqual([
      { masks: checks[0], heldOutR: 0.5, overlap: null },
      { masks: checks[1], heldOutR: 0.6, overlap: topKOverlap(second, first, 10) },
    ]);
    // A new run starts afresh.
    const again = nextConvergence(state, {
      startedAt: 6,
      done: checks[0]!,
      total,
      scores: estimate(3),
      heldOutR: 0.4,
    });
    expect(again.points).toEqual([{ masks: checks[0], heldOutR: 0.4, overlap: null }]);
    // Without the stopping rule chunks need not end at checks: the first estimate past one counts.
    const past = nextConvergence(again, {
      startedAt: 6,
      done: checks[1]! + 7,
      total,
      scores: estimate(4),
      heldOutR: 0.45,
    });
    expect(past.points.map((p) => p.masks)).toEqual([checks[0], checks[1]! + 7]);
  });
});
