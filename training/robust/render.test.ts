// The robustness set's renderer (render.ts): its layout invariants, its answers against
// independent recomputation, and that it shares no drawing code with the training
// generator.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nameColor } from "../data/colornames.ts";
import { robustScene, backgroundName, OUT_SIZE, GRID } from "./render.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

describe("robustness renderer", () => {
  it("imports none of the training generator's drawing modules", () => {
    const src = readFileSync(join(HERE, "render.ts"), "utf8");
    const imports = [...src.matchAll(/from "([^"]+)"/g)].map((m) => m[1] as string);
    for (const drawing of ["scene", "composite", "sprites", "backgrounds", "randomise", "palette"])
      expect(
        imports.some((i) => i.endsWith(`/${drawing}.ts`)),
        drawing,
      ).toBe(false);
    expect(imports).toContain("sharp");
  });

  it("draws scenes whose answers and geometry follow from what was drawn", async () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const { rgb, record } = await robustScene(99, i);
      expect(rgb.length).toBe(OUT_SIZE * OUT_SIZE * 3);
      kinds.add(record.background.kind);
      const [x0, y0, x1, y1] = record.box;
      expect(0 <= x0 && x0 < x1 && x1 <= OUT_SIZE && 0 <= y0 && y0 < y1 && y1 <= OUT_SIZE).toBe(
        true,
      );
      // position: box centre in thirds, and away from the thirds' edges
      const cx = (x0 + x1) / 2;
      const want = cx < OUT_SIZE / 3 ? "left" : cx < (2 * OUT_SIZE) / 3 ? "middle" : "right";
      const qa = Object.fromEntries(record.qa.map((q) => [q.type, q.answer]));
      expect(qa.position).toBe(want);
      expect(
        Math.min(Math.abs(cx - OUT_SIZE / 3), Math.abs(cx - (2 * OUT_SIZE) / 3)),
      ).toBeGreaterThanOrEqual(2);
      expect(qa.object).toBe(record.category);
      expect(qa.color).toBe(record.background.color);
      // coverage is zero on patches wholly outside the box (alpha box threshold 64/255)
      const patch = OUT_SIZE / GRID;
      record.patchCoverage.forEach((c, k) => {
        const px0 = (k % GRID) * patch;
        const py0 = Math.floor(k / GRID) * patch;
        const outside = px0 + patch <= x0 || px0 >= x1 || py0 + patch <= y0 || py0 >= y1;
        if (outside) expect(c).toBeLessThan(0.26);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1);
      });
      expect(record.distractors.length).toBeLessThanOrEqual(2);
      for (const d of record.distractors) expect(d.category).not.toBe(record.category);
      const inScene = [record.category, ...record.distractors.map((d) => d.category)];
      const asked = record.qa[3]?.question.replace(/^Is there a (\S+) in the image\? .*$/, "$1");
      expect(qa.exists).toBe(inScene.includes(asked as string) ? "yes" : "no");
    }
    expect(kinds.size).toBeGreaterThanOrEqual(3);
  });

  it("names a background by its unambiguous majority", () => {
    // 60% of pixels clearly red, 40% clearly blue -> red, share 0.6
    const n = 100;
    const rgba = new Uint8Array(n * 4);
    for (let p = 0; p < n; p++) rgba.set(p < 60 ? [200, 30, 35, 255] : [40, 90, 220, 255], p * 4);
    expect(nameColor([200 / 255, 30 / 255, 35 / 255]).name).toBe("red");
    expect(backgroundName(rgba)).toEqual({ name: "red", share: 0.6 });
  });
});
