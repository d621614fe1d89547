/**
 * `authrace crashpoints [--variant v]... [--json]`: for each design (model/vocabulary.ts VARIANTS, or the ones
 * named) and each port call k of a refresh, a login and a logout, a real driver is killed at k; the files must
 * survive and a fresh driver must then do exactly what the model's walk of that crash says
 * (crashpoints/, docs/driver-protocol.md "Held mode"). Prints the k x design table.
 */
import {
  crashJson,
  crashReportsHold,
  type DesignCrashReport,
  formatCrashTable,
  runDesignCrashpoints,
} from "../../crashpoints/index.js";
import { isVariant, VARIANTS } from "../../model/designs/index.js";
import type { Variant } from "../../model/vocabulary.js";
import { type Command, parseCommandArgs, UsageError } from "../command.js";

const usage = `usage: authrace crashpoints [--variant <v>]... [--json]

A crash at every I/O point, on real OS processes. For each design and each port call k of a refresh, a login
and a logout (as codex login / codex logout do, under the auth.json lock where the design takes one), a driver
in held mode is killed with SIGKILL exactly when it announces port call k (so calls 1..k-1 happened and k did
not). Then: auth.json must parse, hold no token older than its family's current-or-previous one at the token
server, and have no temp file beside it; it must be what the model says the crash left; and a fresh driver's
auth() must make the model's port calls, send a rotated-out token exactly when the model does, and converge
exactly when the model does (a walk of the design's model through the same crash, crashpoints/model.ts). The
rows are also checked against the pinned theorem <design>/N2/crash. A kill lands between port calls, never
inside a write (an in-place write torn by a crash is the model's tornWrite, not exercised here).

options:
  --variant <v>   ${VARIANTS.join(" | ")}; repeatable; default every design
  --json          one JSON object instead of the table

exit status: 0 every crash point matches the model and the pins; 1 otherwise; 2 usage.`;

/** Pure: the designs to run, in VARIANTS order; unknown names are a UsageError. */
export function parseCrashpointsArgs(argv: string[]): { variants: Variant[]; json: boolean } {
  const { values } = parseCommandArgs({
    args: argv,
    options: { variant: { type: "string", multiple: true }, json: { type: "boolean", default: false } },
    strict: true,
    allowPositionals: false,
  });
  const named = values.variant ?? [];
  for (const name of named) {
    if (!isVariant(name)) throw new UsageError(`unknown variant '${name}' (known: ${VARIANTS.join(", ")})`);
  }
  const variants = named.length === 0 ? [...VARIANTS] : VARIANTS.filter((variant) => named.includes(variant));
  return { variants, json: values.json === true };
}

/** Runs the designs one after another (their processes would compete for two cores). */
export async function runCrashpoints(variants: readonly Variant[]): Promise<DesignCrashReport[]> {
  const reports: DesignCrashReport[] = [];
  for (const variant of variants) reports.push(await runDesignCrashpoints(variant));
  return reports;
}

export const command: Command = {
  name: "crashpoints",
  summary: "kill a real driver at every port call of a refresh, login and logout; check files and the model",
  usage,
  async run(argv) {
    const args = parseCrashpointsArgs(argv);
    const reports = await runCrashpoints(args.variants);
    if (args.json) console.log(JSON.stringify(crashJson(reports), null, 2));
    else console.log(formatCrashTable(reports));
    return crashReportsHold(reports) ? 0 : 1;
  },
};
