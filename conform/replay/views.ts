/**
 * What a replay saw of the real system (auth.json, each process, each token as the server judged it at that
 * moment, the answer a call got) and how it is said in one line. Pure: observe.ts takes the views.
 */

export interface NamedToken {
  /** R0, R1, ... of account A's family; B.R0, ... of account B's (the names the trace uses). */
  name: string;
  /** Redacted. */
  shown: string;
  status: "current" | "rotated out" | "revoked" | "unknown";
  /** The account of the family that issued it (null: a token the server never issued). */
  account: string | null;
  familyId: string | null;
  generation: number | null;
}

export type DiskView =
  | { kind: "absent" }
  | { kind: "unreadable"; detail: string }
  | { kind: "ok"; accountId: string | null; token: NamedToken };

export interface ProcessView {
  name: string;
  /** idle, down, the port call it is held at, or `broken: ...`. */
  at: string;
  cache: { accountId: string | null; token: NamedToken } | null;
  poisoned: boolean;
}

export interface RealView {
  disk: DiskView;
  processes: ProcessView[];
}

/** A call that returned: `ok R1`, `permanent: refreshing with ... failed: 401 ...`. */
export interface CallOutcome {
  process: string;
  event: string;
  ok: boolean;
  detail: string;
  /** The manager said the caller is logged out: skipped, logged-out, or a permanent (poisoning) failure. */
  toldLoggedOut: boolean;
}

export function describeToken(token: NamedToken): string {
  return `${token.name} ${token.shown} (${token.status})`;
}

export function describeDisk(disk: DiskView | undefined): string {
  if (disk === undefined) return "not seen";
  if (disk.kind === "absent") return "absent";
  if (disk.kind === "unreadable") return `unreadable (${disk.detail})`;
  return `account_id=${disk.accountId} refresh_token=${describeToken(disk.token)}`;
}

/** What auth.json holds, not how the server now judges its token. */
export function diskContent(disk: DiskView | undefined): string {
  return disk?.kind === "ok"
    ? `${disk.accountId} ${disk.token.familyId} ${disk.token.generation}`
    : String(disk?.kind);
}

export function describeView(view: RealView): string[] {
  return [
    `auth.json: ${describeDisk(view.disk)}`,
    ...view.processes.map((process) => {
      const cache =
        process.cache === null
          ? "no cache"
          : `cache ${describeToken(process.cache.token)} account_id=${process.cache.accountId}`;
      return `${process.name}: ${process.at}, ${cache}${process.poisoned ? ", poisoned" : ""}`;
    }),
  ];
}
