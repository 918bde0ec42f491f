/**
 * Runs `headflow` commands in this process for the findings script: every number in
 * docs/FINDINGS.md comes from a CLI output kept in docs/findings/data/, so the report can
 * be checked (and each file opened in the UI) without rerunning anything.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAnalysisJson } from "../../src/engine";
import { runCliCaptured } from "../../src/cli/cli";

export interface CliRunner {
  /** Runs a command with `--out data/NAME.json` and returns the parsed, validated result. */
  analysis<T>(name: string, argv: string[]): Promise<T>;
  /** Runs `ask` (JSON lines on stdout), keeps the lines in data/NAME.jsonl and parses them. */
  ask(name: string, argv: string[]): Promise<AskLine[]>;
}

/** The fields of a `headflow.answer/1` line the findings use. */
export interface AskLine {
  image: { name: string };
  question: string;
  answer: string;
  top: { token: string; probability: number }[];
}

export function cliRunner(modelDir: string, dataDir: string): CliRunner {
  async function run(argv: string[]): Promise<string> {
    const { code, stdout, stderr } = await runCliCaptured([...argv, "--model", modelDir]);
    if (code !== 0) {
      throw new Error(`headflow ${argv.join(" ")} failed (exit ${code}): ${stderr.trim()}`);
    }
    return stdout;
  }
  return {
    async analysis<T>(name: string, argv: string[]): Promise<T> {
      const out = join(dataDir, `${name}.json`);
      await run([...argv, "--out", out]);
      return parseAnalysisJson(JSON.parse(readFileSync(out, "utf8"))) as T;
    },
    async ask(name: string, argv: string[]): Promise<AskLine[]> {
      const text = await run(["ask", ...argv]);
      writeFileSync(join(dataDir, `${name}.jsonl`), text);
      return text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as AskLine);
    },
  };
}
