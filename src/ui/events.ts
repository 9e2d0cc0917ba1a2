import { declareEvent } from "../report/index.js";

export const uiListening = declareEvent<{ url: string; port: number }>({
  code: "ui.listening",
  level: "info",
  description: "ui: the dashboard answers on 127.0.0.1 at `url` (the token is in it)",
});

export const uiRefused = declareEvent<{ path: string; reason: string }>({
  code: "ui.refused",
  level: "debug",
  description: "ui: a request without the token, from a foreign origin or for another host got 403",
});

export const uiAction = declareEvent<{ run: string; action: string }>({
  code: "ui.action",
  level: "info",
  description: "ui: the page asked to cancel or resume a run, and the command's core call runs",
});

export const uiActionFailed = declareEvent<{ run: string; action: string; error: string }>({
  code: "ui.action_failed",
  level: "warn",
  description: "ui: a cancel or resume asked for by the page failed; the page shows why",
});

export const uiBucketFailed = declareEvent<{ uri: string; error: string }>({
  code: "ui.bucket_failed",
  level: "warn",
  description:
    "ui: reading the bucket's runs/ mirror (`--bucket`) failed; the page keeps the runs it read last and tries again",
});
