/**
 * Model-based conformance, guarded: xstate/graph paths through the guarded machine (N = 2) run on the real
 * implementation (real files, real HTTP to the loopback token server, real proper-lockfile locks), every port
 * call held and released in the model's order; no divergence, and every reachable transition taken.
 */
import { describeConformance } from "./conformance.js";

describeConformance("guarded");
