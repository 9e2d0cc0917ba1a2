export { completeWords, type Completion, type CompletionSources } from "./complete-words.js";
export { completionScripts, type CompletionShell } from "./shell-scripts.js";
