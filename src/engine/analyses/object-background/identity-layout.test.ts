/**
 * The bundled model keeps the identity image layout (position imageStart + p is patch p):
 * object vs background's blocks and map equal knockouts of the positions picked here by
 * hand from the scene's patch coverage, as before image layouts existed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { normalisationOf } from "../../ablation/baseline";
import { Headflow, type NamedImage } from "../../headflow";
import { toPixelValues } from "../../model/image";
import { loadBundleNode, nodeImageDecoder, readImageFile } from "../../node";
import { answerProbabilities } from "../flow/flow";
import { KnockoutRunner, type Knockout } from "../flow/knockout";
import { objectVsBackground } from "./object-vs-background-image";

let headflow: Headflow;
let image: NamedImage;
// sample-00's patchCoverage >= 0.5 (public/samples/samples.json): the taco's patches.
const OBJECT = [13, 19, 20, 21, 22, 28];

beforeAll(async () => {
  headflow = new Headflow(await loadBundleNode("public/models/emoji-vlm"), nodeImageDecoder, "t");
  image = { ...(await readImageFile("public/samples/sample-00.png")), name: "sample-00.png" };
});

describe("object vs background on the bundled model (identity layout)", () => {
  it("blocks the scene's object patches, the rest and all 64; the map is per patch", async () => {
    const mask = Array.from({ length: 64 }, (_, p) => OBJECT.includes(p));
    const result = await objectVsBackground(headflow, image, {
      objectMask: { source: "mask", patches: mask },
    });
    expect(result.grid).toEqual([8, 8]);
    expect(result.objectMask.patches).toEqual(OBJECT);
    const prompt = headflow.prompt();
    const prefilled = await headflow.prefill(image, prompt);
    const pixels = toPixelValues(image, normalisationOf(headflow.bundle));
    const runner = await KnockoutRunner.create(headflow.bundle.session, prefilled, pixels);
    const { imageStart, ids } = prompt;
    const text = Array.from(
      { length: ids.length - prompt.imageEnd },
      (_, i) => prompt.imageEnd + i,
    );
    const all = Array.from({ length: headflow.bundle.manifest.layers }, (_, l) => l);
    const at = (patches: number[]): Knockout => ({
      sources: patches.map((p) => imageStart + p),
      targets: text,
      layers: all,
    });
    const patches = Array.from({ length: 64 }, (_, p) => p);
    const background = patches.filter((p) => !OBJECT.includes(p));
    const knockouts = [at([]), at(OBJECT), at(background), at(patches), at([20]), at([0])];
    const p = answerProbabilities(
      await runner.run(knockouts),
      headflow.bundle.session.dims.vocabSize,
      result.answer.id,
    );
    expect(result.cleanProbability).toBeCloseTo(p[0]!, 6);
    expect(result.object.probability).toBeCloseTo(p[1]!, 6);
    expect(result.background.probability).toBeCloseTo(p[2]!, 6);
    expect(result.wholeImage.probability).toBeCloseTo(p[3]!, 6);
    expect([result.object.patches, result.background.patches]).toEqual([6, 58]);
    expect(result.contributions[2]![4]).toBeCloseTo(p[0]! - p[4]!, 6);
    expect(result.contributions[0]![0]).toBeCloseTo(p[0]! - p[5]!, 6);
  });
});
