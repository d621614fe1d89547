/**
 * Opening a chosen implementation (spec.ts): as a `ProcessFactory` for commands that run real OS processes
 * (scenario, stress, codex), or as a conformance `Subject` for commands that hold every port call (conform,
 * replay, interleave; conform/subject-choice.ts opens it, so a worker thread can open the same one).
 */
import {
  type PrepareResult,
  prepareCodexImplementation,
  prepareLocalCodexImplementation,
} from "../../codex/implementation.js";
import { describeBinary } from "../../codex/report.js";
import type { Subject } from "../../conform/subject.js";
import { openSubjectChoice, type SubjectChoice } from "../../conform/subject-choice.js";
import { defaultDriverScript, spawnDriver } from "../../impl/driver/client.js";
import { managerViews } from "../../impl/driver/manager-view.js";
import { loadModuleImplementation } from "../../impl/plugin/index.js";
import { requireMutant } from "../../model/designs/index.js";
import type { Variant } from "../../model/vocabulary.js";
import {
  notReady,
  type ProcessFactory,
  referenceImplementation,
  replyTimeoutOf,
  SCENARIO_LIMITS,
  type SpawnRequest,
} from "../../scenarios/index.js";
import type { CodexChoice } from "../codex-target.js";
import { UsageError } from "../command.js";
import type { ImplementationChoice } from "./spec.js";

/** A module that cannot be imported or exports the wrong shape: a usage error naming its file. */
function moduleProblem(message: string): UsageError {
  return new UsageError(`--impl module: ${message}`);
}

/**
 * Fetches a Codex release (cached), or checks a local binary (codex/local.ts: it must answer `--version`), as
 * a `ProcessFactory`. Text mode says what it is and how processes are kept on loopback; a binary that cannot
 * be had is reported on stderr either way.
 */
export async function openCodex(
  commandName: string,
  choice: CodexChoice,
  json: boolean,
): Promise<PrepareResult> {
  const what = "codexPath" in choice ? choice.codexPath : choice.codexVersion;
  if (!json && "codexVersion" in choice) {
    console.error(`authrace ${commandName}: fetching Codex ${what} (cached after the first time)...`);
  }
  const prepared =
    "codexPath" in choice
      ? await prepareLocalCodexImplementation(choice.codexPath, choice.design)
      : await prepareCodexImplementation(choice.codexVersion);
  if (!prepared.ok) {
    const { kind, message } = prepared.failure;
    console.error(`authrace ${commandName}: cannot use Codex ${what}: ${kind}: ${message}`);
  } else if (!json) {
    const { binary, variant, network } = prepared.implementation;
    console.log(`${describeBinary(binary, variant)}\n${network}\n`);
  }
  return prepared;
}

/**
 * A driver program as a `ProcessFactory`, with the reference's waits. No `--variant` is passed: the program
 * knows its implementation (its own command line, or the module it was given). `managers`: the program is
 * authrace's driver, which takes `--managers <n>` (two-managers); a `cmd:` program may not.
 */
function driverProgramImplementation(
  name: string,
  variant: Variant | null,
  command: readonly string[],
  managers: boolean,
): ProcessFactory {
  const start = (request: SpawnRequest, extraArguments: readonly string[]) =>
    spawnDriver({
      home: request.codexHome,
      name: request.name,
      tokenUrl: request.tokenUrl,
      command,
      extraArguments,
      ...replyTimeoutOf(request),
      readyTimeoutMs: SCENARIO_LIMITS.readyTimeoutMs,
      exitTimeoutMs: SCENARIO_LIMITS.exitTimeoutMs,
    });
  const factory: ProcessFactory = {
    name,
    variant,
    async spawn(request) {
      const started = await start(request, []);
      return started.ok
        ? { ok: true, driver: started.driver }
        : { ok: false, error: notReady(started.error) };
    },
  };
  if (!managers) return factory;
  return {
    ...factory,
    async spawnManagers(request, names) {
      const started = await start(request, ["--managers", String(names.length)]);
      if (!started.ok) return { ok: false, error: notReady(started.error) };
      return { ok: true, drivers: managerViews(started.driver, names) };
    },
  };
}

export interface OpenedImplementation {
  factory: ProcessFactory;
  /** Releases what opening took (a Codex run's network bridges); the processes are the run's to exit. */
  close(): Promise<void>;
}

const NOTHING_TO_CLOSE = async (): Promise<void> => undefined;

/**
 * The chosen implementation as a `ProcessFactory`; null when a Codex binary cannot be had (already reported
 * on stderr). A module that cannot be imported or exports the wrong shape is a UsageError naming its file:
 * it is imported here once to learn its variant, and again by each driver process.
 */
export async function openImplementation(
  choice: ImplementationChoice,
  context: { commandName: string; json: boolean },
): Promise<OpenedImplementation | null> {
  if ("variant" in choice)
    return { factory: referenceImplementation(choice.variant), close: NOTHING_TO_CLOSE };
  if ("command" in choice) {
    const factory = driverProgramImplementation(
      `cmd:${choice.command.join(" ")}`,
      null,
      choice.command,
      false,
    );
    return { factory, close: NOTHING_TO_CLOSE };
  }
  if ("mutant" in choice) {
    const command = [process.execPath, defaultDriverScript(), "--mutant", choice.mutant];
    const factory = driverProgramImplementation(
      `mutant:${choice.mutant}`,
      requireMutant(choice.mutant).base.name,
      command,
      true,
    );
    return { factory, close: NOTHING_TO_CLOSE };
  }
  if ("modulePath" in choice) {
    const loaded = await loadModuleImplementation(choice.modulePath);
    if (!loaded.ok) throw moduleProblem(loaded.message);
    const command = [process.execPath, defaultDriverScript(), "--module", choice.modulePath];
    const factory = driverProgramImplementation(
      loaded.implementation.name,
      loaded.implementation.variant,
      command,
      true,
    );
    return { factory, close: NOTHING_TO_CLOSE };
  }
  const prepared = await openCodex(context.commandName, choice, context.json);
  if (!prepared.ok) return null;
  const { implementation } = prepared;
  return { factory: implementation, close: () => implementation.close() };
}

export type OpenedSubject = { ok: true; subject: Subject } | { ok: false; message: string };

/**
 * The held-port choice as a Subject. A module that cannot be imported or exports the wrong shape is a
 * UsageError naming its file; a cmd: program that cannot be set up is an operating error (`ok: false`).
 */
export async function openSubject(choice: SubjectChoice): Promise<OpenedSubject> {
  const opened = await openSubjectChoice(choice);
  if (opened.ok) return opened;
  if (opened.kind === "module") throw moduleProblem(opened.message);
  return { ok: false, message: opened.message };
}
