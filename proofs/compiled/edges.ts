/**
 * The fault-free edges liveness needs (forward-liveness.ts), stored compactly: states are expanded in order,
 * so an edge's source is implicit (each state's edges are one run of `targets`, starting at `starts[state]`)
 * and an edge costs 4 bytes instead of a (from, to) pair's 8. The runs are what liveness reads.
 */
import type { ForwardEdges } from "./forward-liveness.js";

const INITIAL_EDGES = 16_384;
const GROWTH = 1.5;

export class CompactEdges {
  private targets = new Int32Array(INITIAL_EDGES);
  private starts = new Int32Array(INITIAL_EDGES);
  private size = 0;
  private sources = 0;

  /** Edges must be added source by source, in increasing source order (the explorer's expansion order). */
  add(source: number, target: number, fault: boolean): void {
    if (fault || source === target) return;
    while (this.sources <= source) this.openSource();
    if (this.size === this.targets.length) {
      const bigger = new Int32Array(Math.ceil(this.size * GROWTH));
      bigger.set(this.targets);
      this.targets = bigger;
    }
    this.targets[this.size++] = target;
  }

  private openSource(): void {
    if (this.sources + 1 >= this.starts.length) {
      const bigger = new Int32Array(Math.ceil(this.starts.length * GROWTH));
      bigger.set(this.starts);
      this.starts = bigger;
    }
    this.starts[this.sources] = this.size;
    this.sources++;
    this.starts[this.sources] = this.size;
  }

  bytes(): number {
    return (this.targets.length + this.starts.length) * 4;
  }

  /** The edges by source (after the last `add`). */
  graph(): ForwardEdges {
    this.starts[this.sources] = this.size;
    return { starts: this.starts, targets: this.targets.subarray(0, this.size), sources: this.sources };
  }
}
