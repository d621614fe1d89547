/**
 * What leaves the process: the HTTP views of /state and /requests and the one-line request log. Every
 * token in them passes through `redact()`; only `POST /control/family` hands out whole tokens (a caller
 * needs them to write auth.json). Records carry family and generation, so redacted views still compare.
 */
import { redact } from "../impl/redact.js";
import type { FamilyState, RequestRecord, ServerState } from "./types.js";

export function redactRecord(record: RequestRecord): RequestRecord {
  return { ...record, refreshToken: record.refreshToken === null ? null : redact(record.refreshToken) };
}

function redactFamily(family: FamilyState): FamilyState {
  return {
    ...family,
    refreshToken: redact(family.refreshToken),
    accessToken: redact(family.accessToken),
    idToken: redact(family.idToken),
    rotatedOut: family.rotatedOut.map((token) => redact(token)),
  };
}

export function redactState(state: ServerState): ServerState {
  return { ...state, families: state.families.map(redactFamily) };
}

/**
 * The seed's shape, `POST /oauth/token refresh_token=rt_j6s0... -> 200 rotated`, then what else is known:
 * the error code, the fault, and `stale-send` when the token had already been rotated out.
 * A dropped connection shows `-> dropped` instead of a status.
 */
export function formatRequestLine(record: RequestRecord): string {
  const status = record.status === 0 ? "dropped" : String(record.status);
  const parts = [
    `${record.method} /oauth/token refresh_token=${redact(record.refreshToken)} -> ${status} ${record.verdict}`,
  ];
  if (record.code !== null) parts.push(record.code);
  if (record.fault !== null) parts.push(`fault=${record.fault}`);
  if (record.familyId !== null) parts.push(`${record.familyId}/R${record.tokenGeneration}`);
  if (record.staleSend) parts.push("stale-send");
  return parts.join(" ");
}
