// `tunectl serve` end to end on this machine: a tiny run trained by the real trainer, served
// by the real `transformers serve` from the trainer's virtualenv (host `local`), queried with
// the official openai npm client over real HTTP and SSE, then stopped with SIGINT.
import { rmSync } from "node:fs";
import { connect } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freshWorkspace,
  processAlive,
  startServe,
  trainTiny,
  tunectlIn,
  type ServeInfo,
} from "./serve-session.js";

const ws = freshWorkspace("tunectl-serve-");
let runId = "";
let serve: Awaited<ReturnType<typeof startServe>> | undefined;
let info: ServeInfo;
let client: OpenAI;

beforeAll(async () => {
  runId = trainTiny(ws, "train.max_steps=4", "train.save_steps=2", "train.eval_steps=2");
  serve = await startServe(ws, [runId]);
  info = serve.info;
  client = new OpenAI({ baseURL: info.base_url, apiKey: "unused", maxRetries: 0 });
}, 600_000);

afterAll(() => {
  if (serve && serve.child.exitCode === null) serve.child.kill("SIGKILL");
  if (info && processAlive(info.pid)) process.kill(info.pid, "SIGKILL");
  rmSync(ws, { recursive: true, force: true });
});

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

describe("tunectl serve RUN (transformers serve, host local)", () => {
  it("serves the run's newest checkpoint under its own name", async () => {
    expect(info.server).toBe("transformers");
    expect(info.model).toBe(`tunectl/${runId}-step-4`);
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain(info.model);
  });

  it("answers a chat completion with text", async () => {
    const reply = await client.chat.completions.create({
      model: info.model,
      messages: [{ role: "user", content: "Name three colours." }],
      max_tokens: 12,
    });
    expect(reply.choices).toHaveLength(1);
    expect(typeof reply.choices[0]!.message.content).toBe("string");
    expect(reply.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(reply.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("streams a chat completion as several SSE chunks, the last with a finish_reason", async () => {
    const stream = await client.chat.completions.create({
      model: info.model,
      messages: [{ role: "user", content: "Say something." }],
      max_tokens: 8,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    const finishes = chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean);
    expect(finishes).toHaveLength(1);
    expect(["length", "stop"]).toContain(finishes[0]);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? "").join("");
    expect(text.length).toBeGreaterThan(0);
  });

  // OpenAI ends a stream with `data: [DONE]`; transformers serve 5.18 closes it after the chunk
  // carrying finish_reason instead (vLLM sends both). Either way the finishing chunk is last.
  it("the raw SSE stream ends with the chunk that carries finish_reason", async () => {
    const response = await fetch(`${info.base_url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: info.model,
        messages: [{ role: "user", content: "Hi" }],
        max_tokens: 4,
        stream: true,
      }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = (await response.text())
      .split("\n\n")
      .filter((event) => event.startsWith("data: "))
      .map((event) => event.slice("data: ".length))
      .filter((data) => data !== "[DONE]");
    expect(events.length).toBeGreaterThan(2);
    const last = JSON.parse(events.at(-1)!) as { choices: Array<{ finish_reason?: string }> };
    expect(last.choices[0]!.finish_reason).toBe("length");
    const earlier = events.slice(0, -1).map((data) => JSON.parse(data) as typeof last);
    expect(earlier.every((chunk) => !chunk.choices[0]?.finish_reason)).toBe(true);
  });

  it("answers /v1/completions for a plain prompt", async () => {
    const reply = await client.completions.create({
      model: info.model,
      prompt: "Below is an instruction.",
      max_tokens: 6,
    });
    expect(reply.choices).toHaveLength(1);
    expect(typeof reply.choices[0]!.text).toBe("string");
    expect(["length", "stop"]).toContain(reply.choices[0]!.finish_reason);
  });

  it("refuses a model it does not serve", async () => {
    await expect(
      client.chat.completions.create({
        model: "tunectl/another",
        messages: [{ role: "user", content: "Hi" }],
        max_tokens: 2,
      }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it("refuses a port in use and a step the run does not have, starting nothing", () => {
    const taken = tunectlIn(ws, "--json", "serve", runId, "--port", String(info.port));
    expect(taken.status).toBe(2);
    expect(taken.stdout).toContain('"serve.port_in_use"');
    const unknown = tunectlIn(ws, "--json", "serve", runId, "--checkpoint", "3");
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toContain('"export.unknown_checkpoint"');
    for (const result of [taken, unknown]) expect(result.stderr).not.toContain("serve.starting");
    expect(tunectlIn(ws, "serve", "no-such-run").status).toBe(2);
  });

  it("SIGINT ends the server: its process is gone and the port is closed", async () => {
    expect(processAlive(info.pid)).toBe(true);
    serve!.child.kill("SIGINT");
    expect(await serve!.ended).toBe(130);
    expect(processAlive(info.pid)).toBe(false);
    expect(await portOpen(info.port)).toBe(false);
    expect(serve!.output()).toContain("serve.stopped");
  });
});
