/**
 * ThirdPartySession runs one model run at a time, in call order, across its three graphs
 * (export-session.ts, inTurn): onnxruntime-web on WebGPU fails on overlapping runs. The
 * real tiny-llava sessions are opened and their `run` methods watched.
 */
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { folderReader, NODE_SESSION_OPTIONS, nodeImageDecoder } from "../../node";
import { loadThirdParty } from "./load";
import type { ThirdPartySession } from "./export-session";

type Run = (...args: unknown[]) => Promise<unknown>;

describe("ThirdPartySession run order", () => {
  let session: ThirdPartySession;
  const events: string[] = [];

  beforeAll(async () => {
    const model = await loadThirdParty(
      folderReader("e2e/fixtures/models/tiny-llava"),
      ort,
      nodeImageDecoder,
      { sessionOptions: NODE_SESSION_OPTIONS, dtype: "fp32" },
    );
    session = model.thirdParty.session;
    // Each graph's run logs its start and, after a pause that lets others start, its end.
    const graphs = session as unknown as Record<"vision" | "embedder" | "decoder", { run: Run }>;
    for (const name of ["vision", "embedder", "decoder"] as const) {
      const graph = graphs[name];
      const run = graph.run.bind(graph);
      graph.run = async (...args) => {
        events.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const out = await run(...args);
        events.push(`end ${name}`);
        return out;
      };
    }
  });

  it("never overlaps two runs, and runs them in call order", async () => {
    events.length = 0;
    const hidden = session.dims.hiddenSize;
    const [first, second] = await Promise.all([
      session.embed([1, 2, 3]),
      session.embed([4, 5]),
      session.decode({ embeds: new Float32Array(2 * hidden), batch: 1, length: 2, logits: "last" }),
    ]);
    expect(first).toHaveLength(3 * hidden);
    expect(second).toHaveLength(2 * hidden);
    expect(events).toEqual([
      "start embedder",
      "end embedder",
      "start embedder",
      "end embedder",
      "start decoder",
      "end decoder",
    ]);
  });

  it("goes on after a run that failed", async () => {
    events.length = 0;
    const failing = session.decode({
      embeds: new Float32Array(1),
      batch: 1,
      length: 2,
      logits: "last",
    });
    const next = session.embed([1]);
    await expect(failing).rejects.toThrow();
    await expect(next).resolves.toHaveLength(session.dims.hiddenSize);
  });
});
