/**
 * Held ports for the conductor: the generic holder lives in impl/ports/held.ts, where the driver program
 * (which must not import conform/) uses it too for the driver protocol's held mode.
 */
export { HELD_KINDS, type HeldCall, type HeldKind, type HoldSink, holdPorts } from "../impl/ports/held.js";
