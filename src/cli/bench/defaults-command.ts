/** `headflow bench --defaults`: the samples x alpha sweep behind the attribution defaults. */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { DEFAULT_ATTRIBUTION, HeadflowError, type NamedImage } from "../../engine";
import { openImage, openModel } from "../context";
import { integerOption, numberOption } from "../options";
import { checkWritableTarget, printJson, writeFileAtomic, type CliIo } from "../output";
import { DEFAULT_SWEEP, sweepDefaults } from "./defaults-sweep";
import { isSceneSplit, readSceneSplit } from "./scene-split";
import { benchBaseline } from "./setup";

export async function defaultsCommand(
  options: {
    images?: string | undefined;
    baseline?: string | undefined;
    out?: string | undefined;
    model?: string | undefined;
    batch?: string | undefined;
    question?: string | undefined;
    alphas?: string | undefined;
  },
  io: CliIo,
): Promise<number> {
  if (options.images === undefined)
    throw new HeadflowError("bad-argument", "--defaults needs --images DIR");
  if (options.out !== undefined) await checkWritableTarget(options.out);
  const headflow = await openModel(options.model);
  const images = await sweepImages(options.images, 8);
  const alphas =
    options.alphas === undefined
      ? DEFAULT_SWEEP.alphas
      : options.alphas.split(",").map((a) => numberOption("alphas", a.trim(), 0));
  const baseline = await benchBaseline(headflow, options.baseline);
  const batchSize = integerOption("batch", options.batch, DEFAULT_ATTRIBUTION.batchSize, 1, 4096);
  const result = {
    schema: "headflow.defaults-sweep/1",
    createdAt: new Date().toISOString(),
    model: headflow.modelRef(),
    ...(await sweepDefaults(
      headflow,
      images,
      baseline,
      {
        ...DEFAULT_SWEEP,
        alphas,
        batchSize,
        ...(options.question !== undefined ? { question: options.question } : {}),
      },
      (t) => io.stderr(`bench: ${t}\n`),
    )),
  };
  if (options.out !== undefined)
    await writeFileAtomic(options.out, `${JSON.stringify(result, null, 2)}\n`);
  printJson(io, result);
  return 0;
}

/** A folder of image files, or a scene-generator split (first scene of each category). */
async function sweepImages(folder: string, count: number): Promise<NamedImage[]> {
  if (await isSceneSplit(folder)) return readSceneSplit(folder, count);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw new HeadflowError(
      "bad-argument",
      `cannot read folder ${folder}: ${(error as Error).message}`,
    );
  }
  const files = names.filter((n) => /\.(png|jpe?g|webp|gif)$/i.test(n)).sort();
  if (files.length === 0) throw new HeadflowError("bad-argument", `no images in ${folder}`);
  return Promise.all(files.map((n) => openImage(join(folder, n))));
}
