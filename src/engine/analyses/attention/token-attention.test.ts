/** Text-to-patch attention: a hand-built case, then the bundled model against the engine. */
import { describe, expect, it } from "vitest";
import { normalisationOf } from "../../ablation/baseline";
import { solidImage, toPixelValues } from "../../model/image";
import { prefill, type Prefilled } from "../../model/prefill";
import { loadBundleNode } from "../../node";
import { attentionToImage } from "../rankings/rankings";
import { cleanAttentions } from "./clean-attentions";
import { textToImageAttention } from "./token-attention";

/** A prompt of 1 prefix token, 2 image patches and 2 text tokens, cached through the image. */
function fakePrefilled(): Prefilled {
  return {
    prompt: { question: "q", ids: [0, 1, 2, 3, 4], tokens: [], imageStart: 1, imageEnd: 3 },
    cache: { batch: 1, heads: 2, length: 3, headDim: 1, keys: [], values: [] },
    suffixEmbeds: new Float32Array(0),
    suffixLength: 2,
  };
}

describe("textToImageAttention", () => {
  it("averages each text token's attention to each patch over layers and heads", () => {
    // One layer, 2 heads, 2 queries, 5 keys: row (h, q) = [prefix, patch0, patch1, text0, text1].
    const layer = Float32Array.from([
      ...[0.1, 0.6, 0.3, 0, 0], // h0 q0
      ...[0.2, 0.2, 0.2, 0.4, 0], // h0 q1
      ...[0.5, 0.2, 0.3, 0, 0], // h1 q0
      ...[0, 0, 0.6, 0.2, 0.2], // h1 q1
    ]);
    const result = textToImageAttention([layer, layer], fakePrefilled(), 2);
    expect(result.positions).toEqual([3, 4]);
    expect(result.attention[0]![0]).toBeCloseTo(0.4, 6);
    expect(result.attention[0]![1]).toBeCloseTo(0.3, 6);
    expect(result.attention[1]![0]).toBeCloseTo(0.1, 6);
    expect(result.attention[1]![1]).toBeCloseTo(0.4, 6);
  });

  it("refuses attentions of the wrong shape", () => {
    expect(() => textToImageAttention([new Float32Array(3)], fakePrefilled(), 2)).toThrow(
      /expected 20/,
    );
  });

  it("matches the engine's attention weight for the final token on the bundled model", async () => {
    const bundle = await loadBundleNode("public/models/emoji-vlm");
    const prompt = bundle.tokenizer.encodePrompt(bundle.tokenizer.defaultQuestion());
    const image = solidImage(bundle.manifest.image.size, [30, 160, 90]);
    const prefilled = await prefill(
      bundle.session,
      prompt,
      toPixelValues(image, normalisationOf(bundle)),
    );
    const { heads, layers } = bundle.manifest;
    const result = textToImageAttention(
      await cleanAttentions(bundle.session, prefilled),
      prefilled,
      heads,
    );
    expect(result.positions.at(-1)).toBe(prompt.ids.length - 1);
    // attentionToImage: per head, the final token's attention mass on the image.
    const totals = await attentionToImage(bundle.session, prefilled);
    const mean = totals.reduce((a, b) => a + b, 0) / (layers * heads);
    const finalRow = result.attention.at(-1)!;
    expect(finalRow).toHaveLength(bundle.manifest.image.tokens);
    expect(finalRow.reduce((a, b) => a + b, 0)).toBeCloseTo(mean, 6);
  });
});
