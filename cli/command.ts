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
