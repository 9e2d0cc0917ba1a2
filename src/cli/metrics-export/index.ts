export { metricsCsv } from "./metrics-csv.js";
export { tensorboardEvents } from "./tensorboard-events.js";
