/** Parsing and checking command-line values, each failure a one-line HeadflowError. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { HeadflowError, type TargetKind, TARGET_KINDS } from "../engine";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Strict parsing: unknown options and missing values are errors, not silently ignored. */
export function parseOptions<T extends OptionSpec>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = (error as Error).message.replace(
      /\.? To specify a positional argument.*$/s,
      "",
    );
    throw new HeadflowError("bad-argument", message.replace(/\s*\n\s*/g, " "));
  }
}

export function integerOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (
    !/^-?\d+$/.test(value.trim()) ||
    !Number.isSafeInteger(number) ||
    number < min ||
    number > max
  ) {
    throw new HeadflowError(
      "bad-argument",
      `--${name} must be an integer from ${min} to ${max} (got "${value}")`,
    );
  }
  return number;
}

export function numberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) {
    throw new HeadflowError("bad-argument", `--${name} must be a number (got "${value}")`);
  }
  return number;
}

export function targetOption(value: string | undefined): TargetKind {
  if (value === undefined) return "logit";
  if ((TARGET_KINDS as readonly string[]).includes(value)) return value as TargetKind;
  throw new HeadflowError(
    "bad-argument",
    `--target must be one of ${TARGET_KINDS.join(", ")} (got "${value}")`,
  );
}

export function requireOption(name: string, value: string | undefined): string {
  if (value === undefined || value === "")
    throw new HeadflowError("bad-argument", `--${name} is required`);
  return value;
}
