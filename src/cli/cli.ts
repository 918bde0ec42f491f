/**
 * `headflow <command>`: dispatch, help, and the error policy — bad input gives one line
 * on stderr and exit code 2; an internal failure exit code 1; a cancel 130 (Ctrl-C) or
 * 143 (SIGTERM), see interrupt.ts.
 */
import { HeadflowError, errorMessage } from "../engine";
import { ABLATE_HELP, ablateCommand } from "./commands/ablate";
import { ASK_HELP, askCommand } from "./commands/ask";
import { ATTRIBUTE_HELP, attributeCommand } from "./commands/attribute";
import { BENCH_HELP, benchCommand } from "./commands/bench";
import { COMPARE_HELP, compareCommand } from "./commands/compare";
// The paper's analyses.
import { EVALUATE_HELP, evaluateCommand } from "./commands/evaluate";
import { FLOW_HELP, flowCommand } from "./commands/flow";
import { MERGE_HELP, mergeCommand } from "./commands/merge";
import { PATCHES_HELP, patchesCommand } from "./commands/patches";
import { SETS_HELP, setsCommand } from "./commands/sets";
import { STATUS_HELP, statusCommand } from "./commands/status";
import { interruptOutcome } from "./interrupt";
import type { CliIo } from "./output";

type Command = (args: string[], io: CliIo, signal?: AbortSignal) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  ask: { run: askCommand, help: ASK_HELP },
  ablate: { run: ablateCommand, help: ABLATE_HELP },
  attribute: { run: attributeCommand, help: ATTRIBUTE_HELP },
  bench: { run: benchCommand, help: BENCH_HELP },
  evaluate: { run: evaluateCommand, help: EVALUATE_HELP },
  flow: { run: flowCommand, help: FLOW_HELP },
  patches: { run: patchesCommand, help: PATCHES_HELP },
  sets: { run: setsCommand, help: SETS_HELP },
  merge: { run: mergeCommand, help: MERGE_HELP },
  compare: { run: compareCommand, help: COMPARE_HELP },
  status: { run: statusCommand, help: STATUS_HELP },
};

export const USAGE = `usage: headflow <command> [options]

Image-to-text information flow through the attention heads of a vision-language model.
JSON goes to stdout, progress to stderr. Heads are written L.H (0-based). The model is
public/models/emoji-vlm unless --model DIR|URL is given; a transformers.js export's graph
variant is --dtype auto (its config.json's transformers.js_config.dtype, then fp32, q8,
q4, int8, uint8, bnb4, fp16, q4f16: the first that opens) or one of fp32, fp16, q8,
int8, uint8, q4, q4f16, bnb4, q2, q2f16, q1, q1f16. Input files must be regular
files (images and JSON up to 200 MB). --out FILE writes atomically and keeps an existing
file's mode; a folder, a device, a FIFO or a symbolic link as --out is refused.

commands:
${Object.values(COMMANDS)
  .map((c) => c.help)
  .join("\n\n")}
`;

export async function runCli(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(
      `headflow: error: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(", ")})\n`,
    );
    return 2;
  }
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(args, io, signal);
  } catch (error) {
    if (signal?.aborted) {
      const { code, line } = interruptOutcome(signal);
      io.stderr(line);
      return code;
    }
    io.stderr(`headflow: error: ${errorMessage(error)}\n`);
    return error instanceof HeadflowError ? 2 : 1;
  }
}

/** Runs the CLI in this process with its output collected (tests, the findings script). */
export async function runCliCaptured(
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stderrIsTty: false,
  });
  return { code, stdout, stderr };
}
