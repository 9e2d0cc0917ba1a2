import { declareEvent, declareProgressEvent } from "../report/index.js";

export const generateProgress = declareProgressEvent({
  code: "generate.progress",
  level: "info",
  description:
    "data generate: records kept of those asked for, with rejections by reason, tokens and cost so far",
});

export const generateResumed = declareEvent<{ journal: string; requests: number }>({
  code: "generate.resumed",
  level: "info",
  description:
    "data generate: completed requests read back from the journal (they are not sent again)",
});

export const generateUpToDate = declareEvent<{ output: string; records: number }>({
  code: "generate.up_to_date",
  level: "info",
  description:
    "data generate: the output already holds what this spec and these seeds produce; nothing is sent",
});

export const generateRetry = declareEvent<{
  request: string;
  attempt: number;
  reason: string;
  wait_ms: number;
}>({
  code: "generate.retry",
  level: "warn",
  description:
    "data generate: a try failed (429, 5xx, connection, malformed answer) and is repeated after a wait",
});

export const generateRateLimited = declareEvent<{ wait_ms: number; source: string }>({
  code: "generate.rate_limited",
  level: "info",
  description:
    "data generate: the endpoint's Retry-After or x-ratelimit-* headers pause every request for a while",
});

export const generateBudgetReached = declareEvent<{
  limit: "max_cost_usd" | "max_tokens" | "max_requests";
  cost_usd: number;
  tokens: number;
  records: number;
}>({
  code: "generate.budget_reached",
  level: "warn",
  description:
    "data generate: a budget limit was reached; requests in flight finished, no new one started, the records so far are written",
});

export const generateStage = declareEvent<{ stage: string; records: number }>({
  code: "generate.stage",
  level: "info",
  description:
    "data generate: a later stage starts (self-instruct's instances; evol's rewrites, equality checks and answers of a round), with how many requests it makes",
});

export const generateRejections = declareEvent<{ rejections: Record<string, number> }>({
  code: "generate.rejections",
  level: "info",
  description:
    "data generate: how many generated tasks each filter dropped (the histogram at the end)",
});

export const generateWaiting = declareEvent<{ output: string; pid: number; host: string }>({
  code: "generate.waiting",
  level: "info",
  description:
    "data generate: another tunectl process is generating the same output; this one waits, then finds it up to date",
});

export const generateSourceCached = declareEvent<{ source: string; key: string; records: number }>({
  code: "generate.source_cached",
  level: "info",
  description:
    "run, data stage, validate: a generate: data source's output is in the workspace cache under its content key; nothing is sent",
});

export const generateSourcePending = declareEvent<{
  source: string;
  spec: string;
  requests: number;
  max_cost_usd: number;
}>({
  code: "generate.source_pending",
  level: "info",
  description:
    "validate, run --dry-run: a generate: data source is not in the cache yet; run would generate it first (the estimate; nothing is sent)",
});

export const generatePartial = declareEvent<{ source: string; stopped: string; records: number }>({
  code: "generate.partial",
  level: "warn",
  description:
    "run, data stage: a budget stopped a generate: source's generation with some records kept; the run trains on them",
});
