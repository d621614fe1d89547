/**
 * Model-based conformance, flocked: xstate/graph paths through the flocked machine (N = 2) run on the real
 * implementation (real files, real HTTP to the loopback token server, real flock(2) locks on auth.lock), every
 * port call held and released in the model's order; no divergence, and every reachable transition taken. The
 * conductor sees the lock as held when its own non-blocking flock is refused, and a crash closes the crashed
 * manager's lock file, as the kernel does for a dead process, so the model's lock freed by a crash is checked
 * against the real one.
 */
import { describeConformance } from "./conformance.js";

describeConformance("flocked");
