export { silentReporter, type ReportEvent, type ReportLevel, type Reporter } from "./reporter.js";
export {
  declareEvent,
  declareProgressEvent,
  declaredEvents,
  eventKindOf,
  DuplicateEventError,
  type EventDisplay,
  type EventKind,
  type EventSpec,
} from "./event-catalogue.js";
export type { Progress } from "./progress.js";
export { renderEventsDoc } from "./events-doc.js";
export { RecordingReporter } from "./recording-reporter.js";
export { systemClock, type Clock } from "./clock.js";
export { ManualClock } from "./manual-clock.js";
