/** `headflow merge`: joins `sets --shard I/N` outputs into the result of one run. */
import { parseArgs } from "node:util";
import { HeadflowError, mergeSetsResults } from "../../engine";
import { emitResult, readJsonFile } from "../analysis-options";
import { checkWritableTarget, type CliIo } from "../output";

export const MERGE_HELP = `headflow merge SHARD.json [SHARD.json...] [--out FILE]
  Joins the outputs of \`headflow sets --shard I/N\` (any order; every part exactly once, all
  from the same list and settings) into the result a single \`headflow sets\` run gives:
  identical except for timings (summed) and createdAt. With --job-dir DIR the parts are
  DIR/shard-*.json. Refuses shards of different lists or settings (fingerprints), and names
  the missing shards and images.`;

export async function mergeCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    // The shard files are positional, unlike every other command's inputs.
    parsed = parseArgs({
      args,
      options: { out: { type: "string" } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new HeadflowError("bad-argument", (error as Error).message.replace(/\s*\n\s*/g, " "));
  }
  const files = parsed.positionals;
  if (files.length === 0) throw new HeadflowError("bad-argument", "give the shard files to merge");
  const out = parsed.values.out;
  if (out !== undefined) await checkWritableTarget(out);
  const shards = await Promise.all(files.map((file) => readJsonFile(file)));
  await emitResult(io, out, mergeSetsResults(shards, files));
  return 0;
}
