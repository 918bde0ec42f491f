/**
 * Reads scenes from a dataset split written by the scene generator (docs/BUNDLE.md:
 * `images.u8`, N x S x S x 3 RGB, and `scenes.jsonl`), so measurements can run on the
 * held-out split directly: the first scene of each category, up to `count` scenes.
 */
import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { HeadflowError, type NamedImage } from "../../engine";

export async function isSceneSplit(folder: string): Promise<boolean> {
  try {
    await readFile(join(folder, "info.json"));
    return true;
  } catch {
    return false;
  }
}

export async function readSceneSplit(folder: string, count: number): Promise<NamedImage[]> {
  const info = JSON.parse(await readFile(join(folder, "info.json"), "utf8")) as { size?: number };
  const size = info.size;
  if (!size) throw new HeadflowError("bad-argument", `${folder}/info.json gives no image size`);
  const lines = (await readFile(join(folder, "scenes.jsonl"), "utf8")).trim().split("\n");
  const picked: { index: number; category: string }[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const scene = JSON.parse(line) as { index: number; category: string };
    if (seen.has(scene.category)) continue;
    seen.add(scene.category);
    picked.push(scene);
    if (picked.length === count) break;
  }
  const file = await open(join(folder, "images.u8"), "r");
  try {
    const bytes = size * size * 3;
    return await Promise.all(
      picked.map(async ({ index, category }) => {
        const rgb = new Uint8Array(bytes);
        await file.read(rgb, 0, bytes, index * bytes);
        const data = new Uint8Array(size * size * 4);
        for (let i = 0; i < size * size; i++)
          data.set([rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!, 255], 4 * i);
        return { name: `${index}-${category}`, width: size, height: size, data };
      }),
    );
  } finally {
    await file.close();
  }
}
