export {
  serveModel,
  type ServeDeps,
  type ServeInfo,
  type ServeRequest,
  type ServeSession,
  type ServeTarget,
} from "./serve-model.js";
export type { ModelSource } from "./served-model.js";
export type { ServerPreference } from "./server-choice.js";
export * as serveEvents from "./events.js";
