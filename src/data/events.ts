import { declareEvent } from "../report/index.js";

/** Another tunectl process published the same rendered data first; its cache entry is used. */
export const renderShared = declareEvent<{ fingerprint: string }>({
  code: "data.render_shared",
  level: "info",
  description:
    "the data rendered the same as a cache entry another process finished first; that entry is used",
});
