/** `headflow status DIR`: how far a `headflow sets --job-dir DIR` job has got. */
import { parseArgs } from "node:util";
import { HeadflowError } from "../../engine";
import { formatJobStatus, jobStatus } from "../job/job-status";
import { printJson, type CliIo } from "../output";

export const STATUS_HELP = `headflow status DIR [--json]
  Sums the shards of a \`headflow sets --job-dir DIR\` job: images done of the total per
  shard and overall, finished and missing (not started) shards, failed images. Text on a
  terminal, JSON (headflow.job-status/1) otherwise or with --json.`;

/** The IO of a process whose stdout may be a terminal (main.ts says which). */
export interface TerminalIo extends CliIo {
  stdoutIsTty?: boolean;
}

export async function statusCommand(args: string[], io: TerminalIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { json: { type: "boolean" } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new HeadflowError("bad-argument", (error as Error).message.replace(/\s*\n\s*/g, " "));
  }
  if (parsed.positionals.length !== 1)
    throw new HeadflowError("bad-argument", "give one job folder: headflow status DIR");
  const status = await jobStatus(parsed.positionals[0]!);
  if (io.stdoutIsTty && !parsed.values.json) io.stdout(formatJobStatus(status));
  else printJson(io, status);
  return 0;
}
