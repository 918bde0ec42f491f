/**
 * A decode shared with peers gives the logits of the same decode run whole: checked on the
 * bundled model against a second, independently loaded copy run without sharing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Headflow } from "../headflow";
import { BLANK_GRAY, solidImage } from "./image";
import { loadBundleNode, nodeImageDecoder } from "../node";
import {
  isSplittable,
  rowRanges,
  sliceRequest,
  SplitSession,
  type DecodePeer,
} from "./split-session";
import type { Bundle } from "./bundle";
import type { DecodeRequest } from "./session";
import { mulberry32 } from "../math/random";
import { maxOf, minOf } from "../math/extent";

const MODEL = process.env["HEADFLOW_TEST_MODEL"] ?? "public/models/emoji-vlm";

describe("rowRanges", () => {
  it("cuts every batch into contiguous parts that cover each row once, sizes within one", () => {
    for (let batch = 1; batch <= 70; batch++) {
      for (let parts = 1; parts <= 5; parts++) {
        const ranges = rowRanges(batch, parts);
        expect(ranges.length).toBe(Math.min(batch, parts));
        let next = 0;
        for (const [start, end] of ranges) {
          expect(start).toBe(next);
          expect(end).toBeGreaterThan(start);
          next = end;
        }
        expect(next).toBe(batch);
        const sizes = ranges.map(([start, end]) => end - start);
        expect(maxOf(sizes) - minOf(sizes)).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe("sliceRequest", () => {
  it("takes the rows' embeddings and cache rows, and nothing of the others", () => {
    const [batch, length, hidden, heads, past, headDim] = [5, 2, 3, 2, 4, 2];
    const embeds = Float32Array.from({ length: batch * length * hidden }, (_, i) => i);
    const layer = () => Float32Array.from({ length: batch * heads * past * headDim }, (_, i) => i);
    const request: DecodeRequest = {
      embeds,
      batch,
      length,
      logits: "last",
      past: { batch, heads, length: past, headDim, keys: [layer()], values: [layer()] },
    };
    const part = sliceRequest(request, 1, 3);
    expect(part.batch).toBe(2);
    expect([...part.embeds]).toEqual([...embeds.slice(6, 18)]);
    const row = heads * past * headDim;
    expect([...part.past!.keys[0]!]).toEqual([...layer().slice(row, 3 * row)]);
    expect(part.past!.batch).toBe(2);
  });
});

describe("SplitSession on the bundled model", () => {
  let whole: Bundle;
  let peerBundle: Bundle;
  beforeAll(async () => {
    whole = await loadBundleNode(MODEL);
    peerBundle = await loadBundleNode(MODEL);
  });
  afterAll(async () => {
    await whole.session.release();
    await peerBundle.session.release();
  });

  /** Random masks' final logits through `session`, entering layers as attribution does. */
  async function maskLogits(session: Bundle["session"], count: number): Promise<Float32Array> {
    const headflow = new Headflow({ ...whole, session }, nodeImageDecoder);
    // Noise against the gray baseline: every ablated head moves the logits, row by row.
    const random = mulberry32(7);
    const size = whole.manifest.image.size;
    const image = solidImage(size, BLANK_GRAY);
    for (let i = 0; i < image.data.length; i++) if (i % 4 !== 3) image.data[i] = random() * 256;
    const runner = await headflow.runner(image, headflow.prompt(), { kind: "blank" });
    const masks = new Uint8Array(count * runner.maskSize);
    for (let i = 0; i < masks.length; i++) masks[i] = random() < 0.1 ? 1 : 0;
    return runner.run(masks, count, { batchSize: 32 });
  }

  /** Whether the rows differ, so that a part put in the wrong place would show. */
  function rowsDiffer(logits: Float32Array, vocab: number): boolean {
    const rows = logits.length / vocab;
    for (let row = 1; row < rows; row++)
      for (let v = 0; v < vocab; v++)
        if (Math.abs(logits[row * vocab + v]! - logits[v]!) > 1e-2) return true;
    return false;
  }

  it("gives the logits of the unshared runs, with one peer and with two", async () => {
    const expected = await maskLogits(whole.session, 70);
    for (const peers of [1, 2]) {
      const split = new SplitSession(whole.session);
      split.setPeers(Array.from({ length: peers }, () => peerBundle.session));
      const got = await maskLogits(split, 70);
      expect(got.length).toBe(expected.length);
      expect(rowsDiffer(expected, whole.manifest.vocabSize)).toBe(true);
      let worst = 0;
      for (let i = 0; i < got.length; i++)
        worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
      // Rows are independent; only the matrix kernels' blocking differs with the batch.
      expect(worst).toBeLessThan(1e-4);
    }
  });

  it("sends a peer only the mask runs, and reruns the part of a peer that fails", async () => {
    const seen: number[] = [];
    const counting: DecodePeer = {
      decode: (request) => {
        seen.push(request.batch);
        return peerBundle.session.decode(request);
      },
    };
    let lost = 0;
    const failing: DecodePeer = { decode: () => Promise.reject(new Error("worker gone")) };
    const split = new SplitSession(whole.session, () => lost++);
    split.setPeers([failing, counting]);
    const expected = await maskLogits(whole.session, 40);
    const got = await maskLogits(split, 40);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
    expect(worst).toBeLessThan(1e-4);
    expect(lost).toBe(1);
    expect(split.peerCount).toBe(1);
    // Mask runs only (batch >= MIN_SPLIT_BATCH, logits only): never the prefill or the
    // clean run with residuals.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((batch) => batch >= 2)).toBe(true);
  });

  it("keeps runs that want more than logits whole", () => {
    const request: DecodeRequest = {
      embeds: new Float32Array(8),
      batch: 8,
      length: 1,
      logits: "last",
    };
    expect(isSplittable(request)).toBe(true);
    expect(isSplittable({ ...request, wantPresent: true })).toBe(false);
    expect(isSplittable({ ...request, wantResiduals: true })).toBe(false);
    expect(isSplittable({ ...request, batch: 2, embeds: new Float32Array(2) })).toBe(false);
  });
});
