/**
 * A crash at every I/O point (TigerBeetle's habit), on real processes: for one design and each operation (a
 * refresh, a login, a logout), for k = 1, 2, ... a held driver is killed at its k-th port call, until the
 * operation completes before reaching k (the control). After each kill the harness checks what no crash may
 * break: auth.json parses, its token is no older than its family's current-or-previous one at the server, no
 * temp file is left beside it, and the disk is what the model says the crash left. Then a fresh driver calls
 * auth(), and its port calls, whether it sent a rotated-out token, and whether it converged must be exactly
 * what the model's walk of the same crash says (crashpoints/model.ts).
 */

import type { JsonLineDriver } from "../impl/driver/client.js";
import { spawnDriver } from "../impl/driver/client.js";
import type { DriverReply } from "../impl/driver/protocol.js";
import { usesFileLock } from "../model/config.js";
import { requireDesign } from "../model/designs/index.js";
import type { Variant } from "../model/vocabulary.js";
import { type HeldRun, PORT_CALLS_MAX, runUntilKilled } from "./held-run.js";
import { type CrashExpectation, type CrashOperation, expectCrash, modelRefreshPath } from "./model.js";
import { ACCOUNT_IDS, type CrashWorld, type Observation, openCrashWorld, type RealDisk } from "./world.js";

/** What the fresh process did after the crash. */
export interface NextProcess {
  events: string[];
  staleSend: boolean;
  converges: boolean;
  /** Its reply, in one line (no token). */
  outcome: string;
}

export interface CrashRow {
  variant: Variant;
  operation: CrashOperation;
  /** 1-based; the control row's k is one past the last port call. */
  k: number;
  /** The port call the process was killed at; null for the control (the operation completed). */
  kind: string | null;
  expected: CrashExpectation | null;
  afterCrash: Observation | null;
  next: NextProcess | null;
  /** Every check that failed, each naming what differs; empty: the row holds. */
  problems: string[];
}

export interface CrashRunOptions {
  /** Parent of each run's temporary CODEX_HOME; default the OS temp directory. */
  temporaryDirectory?: string;
  /** Called after every row. */
  onRow?: (row: CrashRow) => void;
  /**
   * The driver program for both processes, with its leading arguments; default the reference driver with
   * `--variant <design>`. A program that is not the design (a mutant, `--mutant <name>`) must show MISMATCH rows.
   */
  driverCommand?: readonly string[];
}

function operationOf(operation: CrashOperation, variant: Variant, world: CrashWorld) {
  const rules = requireDesign(variant).rules;
  const underLock = usesFileLock(rules) && rules.loginTakesLock;
  if (operation === "refresh") return (driver: JsonLineDriver) => driver.refresh();
  if (operation === "logout") return (driver: JsonLineDriver) => driver.logout(underLock);
  const family = world.server.createFamily({ accountId: ACCOUNT_IDS.B, accessToken: "opaque" });
  const tokens = {
    idToken: family.idToken,
    accessToken: family.accessToken,
    refreshToken: family.refreshToken,
    accountId: family.accountId,
  };
  return (driver: JsonLineDriver) => driver.login(tokens, underLock);
}

/** The invariants every crash must keep, whatever the model says. */
function crashInvariants(observation: Observation, when: string): string[] {
  const problems: string[] = [];
  const { disk } = observation;
  if (disk.kind === "unreadable") problems.push(`${when}: auth.json does not parse (${disk.problem})`);
  if (disk.kind === "ok" && (disk.standing === "older" || disk.standing === "unknown")) {
    problems.push(`${when}: auth.json holds a token ${disk.standing} than its family's current or previous`);
  }
  if (observation.strayFiles.length > 0) {
    problems.push(`${when}: files left beside auth.json: ${observation.strayFiles.join(", ")}`);
  }
  return problems;
}

function describeDisk(disk: RealDisk | CrashExpectation["diskAfterCrash"]): string {
  if (disk.kind !== "ok") return disk.kind;
  const current = "standing" in disk ? disk.standing === "current" : disk.current;
  return `${disk.account} ${current ? "current" : "not current"}`;
}

function compareDisk(expected: CrashExpectation, observed: Observation): string[] {
  const model = describeDisk(expected.diskAfterCrash);
  const real = describeDisk(observed.disk);
  return model === real ? [] : [`after the crash auth.json is ${real}, the model says ${model}`];
}

/** Did the fresh process converge, judged as the model's `converged`: an accepted token, or logged out by the user. */
function realConverges(reply: DriverReply, disk: RealDisk, standing: (token: string) => string): boolean {
  if (disk.kind === "absent") return true;
  if (disk.kind !== "ok" || disk.standing !== "current") return false;
  const auth = reply.auth;
  if (auth === null) return false;
  const account = Object.entries(ACCOUNT_IDS).find(([, id]) => id === auth.accountId)?.[0];
  if (account !== disk.account) return true;
  return !auth.poisoned && standing(auth.refreshToken) === "current";
}

function outcomeOf(reply: DriverReply): string {
  if (!reply.ok) return `${reply.error.kind}`;
  if (reply.auth?.poisoned) return "ok, poisoned";
  return reply.refreshError === undefined ? "ok" : `ok, refresh failed (${reply.refreshError.kind})`;
}

/** A fresh driver (not held, real clock) calls auth() once and exits. */
async function nextProcess(
  world: CrashWorld,
  variant: Variant,
  driverCommand: readonly string[] | undefined,
): Promise<NextProcess | string> {
  const started = await spawnDriver({
    home: world.home,
    ...(driverCommand === undefined ? { variant } : { command: driverCommand }),
    name: "B",
    tokenUrl: world.server.tokenUrl,
  });
  if (!started.ok) return `B did not start: ${started.error.message}: ${started.error.stderr}`;
  const before = world.server.requests().length;
  const reply = await started.driver.auth();
  await started.driver.exit();
  if (!reply.ok && reply.error.kind.startsWith("driver-"))
    return `B: ${reply.error.kind}: ${reply.error.message}`;
  const after = await world.observe();
  const families = world.server.state().families;
  const standing = (token: string) =>
    families.some((family) => family.refreshToken === token) ? "current" : "not current";
  return {
    events: reply.trace.map((event) => event.event).filter((event) => event !== "callAuth"),
    staleSend: world.server
      .requests()
      .slice(before)
      .some((record) => record.staleSend),
    converges: realConverges(reply, after.disk, standing),
    outcome: outcomeOf(reply),
  };
}

/** For a refresh: the kinds announced must follow the model's path of the design. */
function pathProblems(run: HeldRun, path: readonly string[] | null): string[] {
  if (path === null) return [];
  const problems: string[] = [];
  run.kinds.forEach((kind, index) => {
    if (kind !== path[index])
      problems.push(`port call ${index + 1} is ${kind}, the model's is ${path[index] ?? "none"}`);
  });
  if (!run.killed && run.kinds.length !== path.length) {
    problems.push(`the refresh made ${run.kinds.length} port calls, the model's path has ${path.length}`);
  }
  return problems;
}

function compareNext(expected: CrashExpectation, next: NextProcess): string[] {
  const problems: string[] = [];
  const model = expected.nextEvents.join(" ") || "none";
  const real = next.events.join(" ") || "none";
  if (model !== real) problems.push(`the next process's port calls are [${real}], the model's [${model}]`);
  if (expected.staleSend !== next.staleSend) {
    problems.push(
      `the next process ${next.staleSend ? "sent" : "did not send"} a stale token, the model says the opposite`,
    );
  }
  if (expected.converges !== next.converges) {
    problems.push(
      `the next process ${next.converges ? "converged" : "did not converge"}, the model says the opposite`,
    );
  }
  return problems;
}

async function crashAt(
  variant: Variant,
  operation: CrashOperation,
  k: number,
  path: readonly string[] | null,
  options: CrashRunOptions,
): Promise<CrashRow> {
  const world = await openCrashWorld(options.temporaryDirectory);
  const row: CrashRow = {
    variant,
    operation,
    k,
    kind: null,
    expected: null,
    afterCrash: null,
    next: null,
    problems: [],
  };
  try {
    const operate = operationOf(operation, variant, world);
    const run = await runUntilKilled({
      home: world.home,
      tokenUrl: world.server.tokenUrl,
      variant,
      operation: operate,
      k,
      ...(options.driverCommand === undefined ? {} : { driverCommand: options.driverCommand }),
    });
    if (typeof run === "string") return { ...row, problems: [run] };
    row.kind = run.killed ? (run.kinds.at(-1) ?? null) : null;
    row.problems.push(...pathProblems(run, path));
    if (!run.killed && run.reply?.ok !== true)
      row.problems.push(`the ${operation} itself failed: ${JSON.stringify(run.reply)}`);
    const completed = run.killed ? run.kinds.slice(0, -1) : run.kinds;
    row.expected = expectCrash(variant, operation, {
      completed: completed.length,
      effectDone: completed.includes("writeDisk"),
    });
    row.afterCrash = await world.observe();
    row.problems.push(
      ...crashInvariants(row.afterCrash, "after the crash"),
      ...compareDisk(row.expected, row.afterCrash),
    );
    if (operation === "refresh" && row.expected.orphanedLock !== row.afterCrash.lockPresent) {
      row.problems.push(
        `lock left ${row.afterCrash.lockPresent}, the model's orphaned lock ${row.expected.orphanedLock}`,
      );
    }
    if (row.afterCrash.lockPresent) await world.ageLock();
    const next = await nextProcess(world, variant, options.driverCommand);
    if (typeof next === "string") return { ...row, problems: [...row.problems, next] };
    row.next = next;
    row.problems.push(
      ...compareNext(row.expected, next),
      ...crashInvariants(await world.observe(), "after the next process"),
    );
    return row;
  } finally {
    await world.close();
  }
}

/** Every crash point of one operation of one design, then the control row. */
export async function runCrashOperation(
  variant: Variant,
  operation: CrashOperation,
  options: CrashRunOptions = {},
): Promise<CrashRow[]> {
  const path = operation === "refresh" ? modelRefreshPath(variant) : null;
  const rows: CrashRow[] = [];
  for (let k = 1; k <= PORT_CALLS_MAX + 1; k += 1) {
    const row = await crashAt(variant, operation, k, path, options);
    rows.push(row);
    options.onRow?.(row);
    if (row.kind === null) break;
  }
  return rows;
}
