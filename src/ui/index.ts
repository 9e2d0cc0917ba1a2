export { startUiServer, type UiServer, type UiServerOptions } from "./server.js";
export { newAccessToken } from "./access.js";
export type { UiActions, UiSources } from "./actions.js";
export { uiListening } from "./events.js";
export { BucketRuns } from "./bucket-runs.js";
