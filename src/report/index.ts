export {
  report,
  silentReporter,
  type ReportEvent,
  type ReportLevel,
  type Reporter,
} from "./reporter.js";
export {
  declareEvent,
  declaredEvents,
  DuplicateEventError,
  type EventKind,
} from "./event-catalogue.js";
export { RecordingReporter } from "./recording-reporter.js";
export { systemClock, type Clock } from "./clock.js";
export { ManualClock } from "./manual-clock.js";
