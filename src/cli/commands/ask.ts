/** `headflow ask`: the model's answer and the top-k first-token probabilities. */
import { readdir } from "node:fs/promises";
import { extname, join } from "node:path";
import { HeadflowError, errorMessage, ask } from "../../engine";
import { openImage } from "../context";
import { DEVICE_HELP } from "../device";
import { integerOption, parseOptions } from "../options";
import { printJson, type CliIo } from "../output";
import { MODEL_OPTIONS, openCommandModel } from "../preamble";

export const ASK_HELP = `headflow ask --image FILE | --images DIR [--question Q] [--top K] [--max-tokens N] [--model DIR|URL]
  Answers the question about the image (greedy) and reports the top-K probabilities of the
  first answer token. --images writes one JSON line per image file in DIR. ${DEVICE_HELP}.`;

const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".webp", ".gif"]);

export async function askCommand(args: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const options = parseOptions(args, {
    image: { type: "string" },
    images: { type: "string" },
    question: { type: "string" },
    top: { type: "string" },
    "max-tokens": { type: "string" },
    ...MODEL_OPTIONS,
  });
  if ((options.image === undefined) === (options.images === undefined)) {
    throw new HeadflowError("bad-argument", "give exactly one of --image FILE or --images DIR");
  }
  const top = integerOption("top", options.top, 5, 1, 1000);
  const maxTokens = integerOption("max-tokens", options["max-tokens"], 4, 1, 32);
  const files = options.image !== undefined ? null : await imageFiles(options.images!);
  // The question is checked before any image is touched, so a bad one fails once, clearly.
  const headflow = await openCommandModel(options, signal);
  const request = {
    top,
    maxTokens,
    ...(options.question !== undefined ? { question: options.question } : {}),
  };
  if (files === null) {
    printJson(io, await ask(headflow, await openImage(options.image!), request));
    return 0;
  }
  let failures = 0;
  for (const file of files) {
    signal?.throwIfAborted();
    try {
      printJson(io, await ask(headflow, await openImage(file), request), false);
    } catch (error) {
      if (!(error instanceof HeadflowError) || error.code !== "bad-image") throw error;
      failures++;
      io.stderr(`headflow: skipped ${file}: ${errorMessage(error)}\n`);
    }
  }
  return failures > 0 ? 1 : 0;
}

async function imageFiles(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw new HeadflowError("bad-argument", `cannot read folder ${folder}: ${errorMessage(error)}`);
  }
  const files = names.filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase())).sort();
  if (files.length === 0)
    throw new HeadflowError("bad-argument", `no image files (.png .jpg .webp .gif) in ${folder}`);
  return files.map((name) => join(folder, name));
}
