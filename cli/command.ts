import { type ParseArgsConfig, parseArgs } from "node:util";

/** One `authrace <name>` subcommand. Each lives in its own file under cli/commands/. */
export interface Command {
  name: string;
  /** One line for `authrace --help`. */
  summary: string;
  /** Full usage text for `authrace <name> --help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** node:util's parseArgs, with unknown flags, missing values and stray positionals as usage errors. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    if (
      error instanceof TypeError &&
      String((error as NodeJS.ErrnoException).code).startsWith("ERR_PARSE_ARGS_")
    ) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

const DECIMAL_INTEGER = /^-?\d{1,15}$/;

/**
 * An integer flag in [min, max], or undefined when absent; anything else is a UsageError naming the flag.
 * `flag` is written as typed, e.g. `--runs`.
 */
export function integerFlag(
  flag: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = DECIMAL_INTEGER.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`${flag} must be an integer in [${min}, ${max}], got '${text}'`);
  }
  return value;
}
