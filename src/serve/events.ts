import { declareEvent } from "../report/index.js";

export const serveStarting = declareEvent<{
  server: "vllm" | "transformers";
  host: string;
  model: string;
  port: number;
}>({
  code: "serve.starting",
  level: "info",
  description:
    "serve: the OpenAI-compatible server (vllm serve or transformers serve) is starting on the host",
});

export const serveUploading = declareEvent<{ host: string; files: number }>({
  code: "serve.uploading",
  level: "info",
  description:
    "serve: the exported model is copied to the SSH host's workdir before the server starts",
});

export const serveReady = declareEvent<{
  base_url: string;
  model: string;
  server: "vllm" | "transformers";
  host: string;
  pid: number;
}>({
  code: "serve.ready",
  level: "info",
  description:
    "serve: the server answers /v1/models with the model; base_url and model are what a client uses",
});

export const serveStopped = declareEvent<{ host: string; pid: number; forced: boolean }>({
  code: "serve.stopped",
  level: "info",
  description:
    "serve: the server process ended on Ctrl-C/SIGTERM (forced: it needed SIGKILL) and the port is free",
});
