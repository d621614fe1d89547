/** The driver's client side and protocol types (the program itself is main.ts). */
export {
  DRIVER_EXIT_TIMEOUT_MS,
  DRIVER_READY_TIMEOUT_MS,
  DRIVER_REPLY_TIMEOUT_MS,
  type DriverExit,
  type DriverMessage,
  type DriverProcess,
  defaultDriverScript,
  JsonLineDriver,
  type SpawnDriverOptions,
  type SpawnDriverResult,
  spawnDriver,
  startDriver,
} from "./client.js";
export { ManagerView, managerViews } from "./manager-view.js";
export {
  DRIVER_COMMANDS,
  type DriverAuth,
  type DriverCommand,
  type DriverError,
  type DriverReady,
  type DriverReply,
  type DriverRequest,
  type DriverTraceEvent,
  type HeldControl,
  type HeldEvent,
  type HeldResponse,
  heldResponse,
  parseHeldControl,
  parseHeldEvent,
  REQUEST_LINE_BYTES_MAX,
} from "./protocol.js";
