import { describe, expect, it } from "vitest";
import { runsInTurn } from "./runs-in-turn";

describe("runsInTurn", () => {
  it("starts each run only once the one before it has settled, failed or not", async () => {
    const events: string[] = [];
    const release: Array<() => void> = [];
    const inTurn = runsInTurn();
    const run = (id: number) => async () => {
      events.push(`start ${id}`);
      await new Promise<void>((resolve) => release.push(resolve));
      events.push(`end ${id}`);
      if (id === 1) throw new Error("lost");
      return id;
    };
    const one = inTurn(run(1));
    const two = inTurn(run(2));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events).toEqual(["start 1"]);
    release.shift()!();
    await expect(one).rejects.toThrow("lost");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events).toEqual(["start 1", "end 1", "start 2"]);
    release.shift()!();
    expect(await two).toBe(2);
  });
});
