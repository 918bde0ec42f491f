/** `headflow compare A.json B.json`: two attribution or sets results side by side. */
import { parseArgs } from "node:util";
import {
  ATTRIBUTION_SCHEMA,
  HeadflowError,
  SETS_SCHEMA,
  compareResults,
  parseAnalysisJson,
  parseAttributionResult,
  type ComparedInput,
} from "../../engine";
import { emitResult, readJsonFile } from "../analysis-options";
import { integerOption } from "../options";
import { checkWritableTarget, type CliIo } from "../output";

export const COMPARE_HELP = `headflow compare A.json B.json [--top-k K] [--a-set NAME] [--b-set NAME] [--out FILE]
  Puts two results of \`headflow attribute\` or \`headflow sets\` side by side (two models,
  images or questions) and prints headflow.compare/1: each side's top-k heads (--top-k,
  default 10) with relative depth layer / layers, and, where both have the same layers x
  heads, the top-k overlap, Spearman's rho, Pearson's r and the difference map B - A. A sets
  result is read as the set named by --a-set / --b-set, its only set, or the mean of all
  its images.`;

/** Reads one side: an attribution or a sets result, told apart by its schema tag. */
function comparedInput(value: unknown, file: string, set: string | undefined): ComparedInput {
  const tag =
    typeof value === "object" && value !== null && "schema" in value
      ? (value as { schema: unknown }).schema
      : undefined;
  try {
    if (tag === ATTRIBUTION_SCHEMA) {
      if (set !== undefined) {
        throw new HeadflowError(
          "bad-argument",
          "a set name is for a sets result, not an attribution",
        );
      }
      return { kind: "attribution", result: parseAttributionResult(value) };
    }
    if (tag === SETS_SCHEMA) {
      const result = parseAnalysisJson(value);
      if (result.schema !== SETS_SCHEMA) throw new Error("unreachable: tag checked above");
      return { kind: "sets", result, ...(set !== undefined ? { set } : {}) };
    }
    throw new HeadflowError(
      "bad-argument",
      `schema is ${JSON.stringify(tag)}; compare reads ${ATTRIBUTION_SCHEMA} or ${SETS_SCHEMA}`,
    );
  } catch (error) {
    if (error instanceof HeadflowError)
      throw new HeadflowError("bad-argument", `${file}: ${error.message}`);
    throw error;
  }
}

export async function compareCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        out: { type: "string" },
        "top-k": { type: "string" },
        "a-set": { type: "string" },
        "b-set": { type: "string" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new HeadflowError("bad-argument", (error as Error).message.replace(/\s*\n\s*/g, " "));
  }
  const files = parsed.positionals;
  if (files.length !== 2) {
    throw new HeadflowError(
      "bad-argument",
      `give two result files to compare (got ${files.length})`,
    );
  }
  const { out } = parsed.values;
  const topK =
    parsed.values["top-k"] === undefined
      ? undefined
      : integerOption("top-k", parsed.values["top-k"], 10, 1, 16_384);
  if (out !== undefined) await checkWritableTarget(out);
  const [a, b] = await Promise.all(files.map((file) => readJsonFile(file)));
  const result = compareResults(
    comparedInput(a, files[0]!, parsed.values["a-set"]),
    comparedInput(b, files[1]!, parsed.values["b-set"]),
    topK,
  );
  await emitResult(io, out, result);
  return 0;
}
