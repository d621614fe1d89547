/**
 * One manager of a driver process that holds several (`--managers <n>`) seen as a `DriverProcess` of its own, so
 * that a scenario asks two managers of one OS process exactly as it asks two processes: Codex's app-server holds
 * two AuthManagers on one CODEX_HOME (race R2 of codex-auth.md). Exiting or killing any view ends the one process
 * behind all of them.
 */
import type { DriverExit, DriverProcess, JsonLineDriver } from "./client.js";
import type { DriverReply } from "./protocol.js";

export class ManagerView implements DriverProcess {
  constructor(
    readonly name: string,
    private readonly driver: JsonLineDriver,
    private readonly index: number,
  ) {}

  get pid(): number | undefined {
    return this.driver.pid;
  }

  auth(): Promise<DriverReply> {
    return this.driver.askManager(this.index, "auth");
  }
  refresh(): Promise<DriverReply> {
    return this.driver.askManager(this.index, "refresh");
  }
  unauthorized(): Promise<DriverReply> {
    return this.driver.askManager(this.index, "unauthorized");
  }
  cached(): Promise<DriverReply> {
    return this.driver.askManager(this.index, "cached");
  }
  exit(): Promise<DriverExit> {
    return this.driver.exit();
  }
  kill(): Promise<DriverExit> {
    return this.driver.kill();
  }
}

/** A view per name, in order: names[i] is manager i of `driver`. */
export function managerViews(driver: JsonLineDriver, names: readonly string[]): ManagerView[] {
  return names.map((name, index) => new ManagerView(name, driver, index));
}
