/** The head detail's attention map against the engine's attention-weight ranking. */
import { beforeAll, describe, expect, it } from "vitest";
import { normalisationOf } from "../../ablation/baseline";
import type { Bundle } from "../../model/bundle";
import { solidImage, toPixelValues } from "../../model/image";
import { prefill, type Prefilled } from "../../model/prefill";
import { minOf } from "../../math/extent";
import { loadBundleNode } from "../../node";
import { attentionToImage } from "../rankings/rankings";
import { cleanAttentions } from "./clean-attentions";
import { finalTokenImageAttention } from "./head-attention";

let bundle: Bundle;
let prefilled: Prefilled;

beforeAll(async () => {
  bundle = await loadBundleNode("public/models/emoji-vlm");
  const prompt = bundle.tokenizer.encodePrompt(bundle.tokenizer.defaultQuestion());
  const image = solidImage(bundle.manifest.image.size, [200, 40, 90]);
  prefilled = await prefill(bundle.session, prompt, toPixelValues(image, normalisationOf(bundle)));
});

describe("final-token attention over the image patches", () => {
  it("has one weight per patch, summing to the head's attention weight", async () => {
    const attentions = await cleanAttentions(bundle.session, prefilled);
    const totals = await attentionToImage(bundle.session, prefilled);
    const { heads, image } = bundle.manifest;
    for (const [layer, head] of [
      [0, 0],
      [3, 5],
      [bundle.manifest.layers - 1, heads - 1],
    ] as const) {
      const map = finalTokenImageAttention(attentions, prefilled, layer, head);
      expect(map).toHaveLength(image.tokens);
      expect(minOf(map)).toBeGreaterThanOrEqual(0);
      const sum = map.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(totals[layer * heads + head]!, 6);
    }
  });
});
