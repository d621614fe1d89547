/**
 * How one node moves: by a model step the history does not show (free), or by explaining one step of the
 * history. Pure: no I/O, no clock.
 *
 * Free steps: every step of a process inside a call (reading auth.json, the answer arriving, writing, taking or
 * releasing a lock: samples constrain these, never witness each one), time passing (`becomeStale`), and a
 * process starting the model call of a call the harness sent it. Never free: sending a refresh token (every
 * POST is in the server's ledger) and the faults (the validation configuration switches none on).
 *
 * Explaining an observation:
 *   post    one process of the model at `post` whose cached token is the one presented takes `sendRefresh`,
 *           and the model's server answers as the real one did (200 and a rotation, or a rejection).
 *   disk    the model's auth.json is what was read (absent, torn, or that account and token).
 *   lock    the model's lock is held (by a process, or orphaned) exactly when the file says so.
 *   send    the process has no call open: now it has one.
 *   return  the process is idle, its cache is what it returned (poisoned as reported), and, when the
 *           implementation reports failures, the call failed in the model exactly when it did for real.
 *   login   (added by history.ts) the harness logged in again: a fresh generation of the account on the
 *           server and on disk, every earlier token dead. The model has one family per account; from here on
 *           it stands for the latest real family (see onlyItsFamilyRevoked).
 */
import type { ModelConfig } from "../model/config.js";
import {
  ACCOUNT_A,
  ACCOUNT_B,
  cloneData,
  DISK_ABSENT,
  DISK_OK,
  DISK_TORN,
  type ModelData,
  newestGeneration,
  normalized,
  RESPONSE_OK,
} from "../model/data.js";
import type { EventName } from "../model/vocabulary.js";
import type { ExplorerState } from "../proofs/state.js";
import type { Step, Stepper } from "../proofs/step.js";
import { type History, tokenKey } from "./history.js";
import { type CallSlot, explain, NO_CALL, renamedTokens, type SearchNode, type Via } from "./node.js";
import type { CallKind, RunFile, TokenRef } from "./run-file.js";

export interface Context {
  run: RunFile;
  history: History;
  config: ModelConfig;
  stepper: Stepper;
  processIndex: ReadonlyMap<string, number>;
}

/** A successor: everything of a node but its parent. */
export type Child = Omit<SearchNode, "parent">;
export type Explained = { ok: true; children: Child[] } | { ok: false; reason: string };

/** The model's call events of each harness call, in order; each may be left out (auth() of a fresh cache). */
const CALL_EVENTS: Readonly<Record<CallKind, readonly EventName[]>> = {
  auth: ["callAuth"],
  refresh: ["callRefresh"],
  unauthorized: ["callUnauthorized"],
  cached: [],
  "refresh-then-auth": ["callRefresh", "callAuth"],
};

const NEVER_FREE: ReadonlySet<EventName> = new Set<EventName>([
  "sendRefresh",
  "serverError",
  "loseResponse",
  "crash",
  "restart",
  "login",
  "logout",
]);

function withSlot(calls: readonly CallSlot[], process: number, slot: CallSlot): CallSlot[] {
  const next = [...calls];
  next[process] = slot;
  return next;
}

/** The node after a model step: state, tokens renamed, the acting process's call marked failed if it did. */
function stepped(node: SearchNode, step: Step, slot?: CallSlot): Pick<Child, "state" | "tokens" | "calls"> {
  let calls = node.calls;
  if (step.process >= 0) {
    const current = slot ?? node.calls[step.process] ?? NO_CALL;
    const next = step.branch.fails === true && !current.failed ? { ...current, failed: true } : current;
    if (next !== node.calls[step.process]) calls = withSlot(calls, step.process, next);
  }
  return { state: step.next, tokens: renamedTokens(node.tokens, step.raw), calls };
}

function stepVia(step: Step): Via {
  return { kind: "step", event: step.event, process: step.process, label: step.branch.label };
}

export function freeSteps(context: Context, node: SearchNode): Child[] {
  const children: Child[] = [];
  for (const step of context.stepper.successors(node.state)) {
    if (NEVER_FREE.has(step.event)) continue;
    let slot: CallSlot | undefined;
    if (step.event === "callAuth" || step.event === "callRefresh" || step.event === "callUnauthorized") {
      const current = node.calls[step.process];
      if (current === undefined || current.phase === "none" || current.call === null) continue;
      if (CALL_EVENTS[current.call][current.taken] !== step.event) continue;
      slot = { ...current, phase: "started", taken: current.taken + 1 };
    }
    children.push({ ...stepped(node, step, slot), base: node.base, ahead: node.ahead, via: stepVia(step) });
  }
  return children;
}

/** The model generation of a real token, or why there is none. */
function generationOf(node: SearchNode, token: TokenRef | null, what: string): number | string {
  if (token === null) return `${what} is a token the server never issued`;
  const generation = node.tokens.get(tokenKey(token));
  if (generation === undefined) return `${what} (${describeToken(token)}) is held by nothing in the model`;
  return generation;
}

export function describeToken(token: TokenRef): string {
  return `R${token.generation} of ${token.family}`;
}

function explainPost(
  context: Context,
  node: SearchNode,
  index: number,
  observation: Extract<HistoryStep, { kind: "post" }>,
): Explained {
  if (observation.status !== 200 && observation.status !== 401) {
    return {
      ok: false,
      reason: `the server answered ${observation.status} (${observation.verdict}): no model step sends that`,
    };
  }
  const generation = generationOf(node, observation.token, "the presented token");
  if (typeof generation === "string") return { ok: false, reason: generation };
  const { locations, data } = node.state;
  const children: Child[] = [];
  let reason = `no process of the model is about to POST ${describeToken(observation.token as TokenRef)}`;
  for (const [process, location] of locations.entries()) {
    const cache = data.processes[process]?.cache;
    if (location !== "post" || cache?.family !== ACCOUNT_A || cache.generation !== generation) continue;
    const step = context.stepper.successor(node.state, "sendRefresh", process);
    if (step === undefined) continue;
    const accepted = step.raw.processes[process]?.response === RESPONSE_OK;
    const rotated = step.raw.families[ACCOUNT_A].current !== data.families[ACCOUNT_A].current;
    if (accepted !== (observation.status === 200) || rotated !== (observation.verdict === "rotated")) {
      reason = `the model's server would answer ${accepted ? "200" : "401"}${rotated ? " and rotate" : ""}, the real one answered ${observation.status} (${observation.verdict})`;
      continue;
    }
    const next = stepped(node, step);
    next.state = onlyItsFamilyRevoked(node, step.next, observation.token as TokenRef);
    if (rotated && observation.token !== null) {
      const minted = { family: observation.token.family, generation: observation.token.generation + 1 };
      const tokens = new Map(node.tokens);
      tokens.set(tokenKey(minted), step.raw.families[ACCOUNT_A].current);
      next.tokens = renamedTokens(tokens, step.raw);
    }
    children.push({ ...next, ...explain(node, index), via: observationVia(index, step) });
  }
  return children.length > 0 ? { ok: true, children } : { ok: false, reason };
}

type HistoryStep = History["steps"][number];

/** The real family of the model's current token of the account (the latest login's family). */
function currentFamily(node: SearchNode): string | null {
  const current = node.state.data.families[ACCOUNT_A].current;
  for (const [token, generation] of node.tokens)
    if (generation === current) return token.split("#")[0] ?? null;
  return null;
}

/**
 * The model keeps one token family per account; after a harness login its family stands for the latest real
 * family, and older families' tokens are its older generations (rejected, as the real server rejects a revoked
 * family's). Reusing such a token revokes the old real family, not the latest: the model's revocation of it
 * is undone, so the model's server answers the latest family's tokens as the real one does.
 */
function onlyItsFamilyRevoked(node: SearchNode, next: ExplorerState, presented: TokenRef): ExplorerState {
  const family = currentFamily(node);
  const before = node.state.data.families[ACCOUNT_A].revoked;
  if (family === null || family === presented.family || before || !next.data.families[ACCOUNT_A].revoked)
    return next;
  const data = cloneData(next.data);
  data.families[ACCOUNT_A].revoked = false;
  return { locations: next.locations, data };
}

function observationVia(index: number, step: Step | null): Via {
  return step === null
    ? { kind: "observation", index, event: null, process: -1, label: null }
    : { kind: "observation", index, event: step.event, process: step.process, label: step.branch.label };
}

/** The node with one more observation explained and nothing else changed. */
function noted(node: SearchNode, index: number): Explained {
  const { state, calls, tokens } = node;
  return {
    ok: true,
    children: [{ state, calls, tokens, ...explain(node, index), via: observationVia(index, null) }],
  };
}

function explainDisk(
  context: Context,
  node: SearchNode,
  index: number,
  observation: Extract<HistoryStep, { kind: "disk" }>,
): Explained {
  const disk = node.state.data.disk;
  if (observation.state === "absent") {
    return disk.status === DISK_ABSENT
      ? noted(node, index)
      : { ok: false, reason: "auth.json was absent; in the model it exists" };
  }
  if (observation.state === "unreadable") {
    return disk.status === DISK_TORN
      ? noted(node, index)
      : {
          ok: false,
          reason: "auth.json was unreadable (torn); in the model it is not being written in place",
        };
  }
  if (disk.status !== DISK_OK)
    return { ok: false, reason: "auth.json was readable; in the model it is absent or torn" };
  const refresh = observation.refresh;
  if (refresh !== null && observation.access !== null && tokenKey(refresh) !== tokenKey(observation.access)) {
    return {
      ok: false,
      reason: `auth.json holds a refresh token and an access token of different generations`,
    };
  }
  const generation = generationOf(node, refresh, "auth.json's refresh token");
  if (typeof generation === "string") return { ok: false, reason: generation };
  const account = observation.account === context.run.account ? ACCOUNT_A : ACCOUNT_B;
  const { snapshot } = disk;
  if (snapshot.accountId !== account || snapshot.family !== ACCOUNT_A || snapshot.generation !== generation) {
    return {
      ok: false,
      reason: `auth.json held ${describeToken(refresh as TokenRef)}; in the model it holds another token`,
    };
  }
  return noted(node, index);
}

function lockHeld(data: ModelData): boolean {
  return data.orphanedLock || data.processes.some((process) => process.holdsLock);
}

function explainReturn(
  context: Context,
  node: SearchNode,
  index: number,
  observation: Extract<HistoryStep, { kind: "return" }>,
): Explained {
  const process = context.processIndex.get(observation.process) as number;
  const slot = node.calls[process] ?? NO_CALL;
  const name = observation.process;
  if (slot.phase === "none" || slot.call !== observation.call)
    return { ok: false, reason: `${name} has no ${observation.call}() open` };
  if (node.state.locations[process] !== "idle") {
    return {
      ok: false,
      reason: `${name} answered, and in the model it is still at ${node.state.locations[process]}`,
    };
  }
  const model = node.state.data.processes[process];
  if (model === undefined) throw new Error(`validate: no model process ${process}`);
  const loggedOut = model.cache.accountId === 0;
  if (context.run.callOutcomes === "reported") {
    const failed = observation.outcome === "fails";
    const modelFailed =
      slot.phase === "started"
        ? slot.failed
        : observation.call !== "auth" && observation.call !== "cached" && loggedOut;
    if (failed !== modelFailed) {
      return {
        ok: false,
        reason: `${name}'s ${observation.call}() ${failed ? "failed" : "succeeded"}; in the model it ${modelFailed ? "failed" : "succeeded"}`,
      };
    }
  } else if (
    slot.phase === "open" &&
    observation.call !== "auth" &&
    observation.call !== "cached" &&
    !loggedOut
  ) {
    return { ok: false, reason: `${name}'s ${observation.call}() answered; in the model it never started` };
  }
  const returned = observation.returned;
  if (returned === "withheld") {
    if (!model.poisoned)
      return {
        ok: false,
        reason: `${name} withheld a poisoned token; in the model its cache is not poisoned`,
      };
  } else if (returned === "none") {
    if (!loggedOut) return { ok: false, reason: `${name} returned no auth; in the model it holds a token` };
  } else if (returned === "unidentified") {
    return {
      ok: false,
      reason: `${name} returned a token the server never issued (or tokens of two generations)`,
    };
  } else {
    const generation = generationOf(node, returned, `${name}'s answer`);
    if (typeof generation === "string") return { ok: false, reason: generation };
    if (model.cache.family !== ACCOUNT_A || model.cache.generation !== generation) {
      return {
        ok: false,
        reason: `${name} returned ${describeToken(returned)}; in the model it holds another token`,
      };
    }
    if (model.poisoned !== observation.poisoned) {
      return {
        ok: false,
        reason: `${name}'s token was ${observation.poisoned ? "" : "not "}poisoned; in the model it is${model.poisoned ? "" : " not"}`,
      };
    }
  }
  const { state, tokens } = node;
  const calls = withSlot(node.calls, process, NO_CALL);
  return {
    ok: true,
    children: [{ state, tokens, calls, ...explain(node, index), via: observationVia(index, null) }],
  };
}

/** The harness logs in again: a fresh generation of the account on the server and in auth.json. */
function explainLogin(node: SearchNode, index: number, family: string): Explained {
  const data = cloneData(node.state.data);
  const minted = newestGeneration(data) + 1;
  data.families[ACCOUNT_A] = { current: minted, previous: 0, revoked: false };
  data.disk = { status: DISK_OK, snapshot: { accountId: ACCOUNT_A, family: ACCOUNT_A, generation: minted } };
  const tokens = new Map(node.tokens);
  tokens.set(tokenKey({ family, generation: 0 }), minted);
  const state: ExplorerState = { locations: node.state.locations, data: normalized(data) };
  const via: Via = {
    kind: "observation",
    index,
    event: "login",
    process: -1,
    label: "the harness logs in again (a fresh family for the same account)",
  };
  return {
    ok: true,
    children: [
      { state, calls: node.calls, tokens: renamedTokens(tokens, data), ...explain(node, index), via },
    ],
  };
}

export function explainStep(context: Context, node: SearchNode, index: number): Explained {
  const problem = context.history.staticProblem[index];
  if (problem) return { ok: false, reason: problem };
  const step = context.history.steps[index];
  if (step === undefined) throw new Error(`validate: no history step ${index}`);
  switch (step.kind) {
    case "post":
      return explainPost(context, node, index, step);
    case "disk":
      return explainDisk(context, node, index, step);
    case "lock":
      return lockHeld(node.state.data) === step.held
        ? noted(node, index)
        : {
            ok: false,
            reason: `${step.held ? `${step.file} was held` : "no lock file was held"}; in the model the lock is${step.held ? " not" : ""}`,
          };
    case "send": {
      const process = context.processIndex.get(step.process) as number;
      if ((node.calls[process] ?? NO_CALL).phase !== "none")
        return { ok: false, reason: `${step.process} still has a call open` };
      const { state, tokens } = node;
      const calls = withSlot(node.calls, process, {
        phase: "open",
        call: step.call,
        failed: false,
        taken: 0,
      });
      return {
        ok: true,
        children: [{ state, tokens, calls, ...explain(node, index), via: observationVia(index, null) }],
      };
    }
    case "return":
      return explainReturn(context, node, index, step);
    case "login":
      return explainLogin(node, index, step.family);
  }
}
