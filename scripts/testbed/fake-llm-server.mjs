#!/usr/bin/env node
// TEST DOUBLE for a paid LLM API (the one thing the tests cannot have): a local HTTP server on
// 127.0.0.1 speaking the OpenAI chat-completions wire format (POST /v1/chat/completions,
// GET /v1/models). Answers are fixed text in the published recipes' formats: the numbered
// `N. Instruction / N. Input / N. Output` tasks separated by `###` that the Alpaca prompt asks
// for, Self-Instruct's numbered instruction list and its `Example N ... Output:` instances,
// Evol-Instruct's rewrites (the text after `#Rewritten Prompt#:` / `#Created Prompt#:`), its
// equality check (`Equal` / `Not Equal`), a pairwise judge's verdict (the MT-Bench prompt
// `tunectl eval --judge` sends: `[[A]]` for the longer answer, `[[B]]`, `[[C]]` on equal
// lengths, whichever position it has), and a plain answer to any other prompt (an
// instruction sent to be answered).
// Stop sequences and max_tokens are honoured the way a real server does (cut at the first
// stop, `finish_reason: length` when cut by the limit).
//
// Scriptable, one step per incoming request (then plain answers again):
//   {kind: "429", retryAfter: 1}   rate limited, with Retry-After (seconds)
//   {kind: "500"}                  server error
//   {kind: "malformed"}            200 with a body that is not JSON
//   {kind: "length"}               the answer cut at max_tokens: finish_reason "length"
//   {kind: "hang"}                 never answers (the client is killed meanwhile)
//   {kind: "die"}                  headers and half a body, then the connection is destroyed
//   {kind: "ok", content: "..."}   this exact content
// Every request is logged with the client's x-tunectl-request id and what was answered.
//
// In-process: `const server = await startFakeLlmServer(); server.url; server.script.push(...)`.
// As a process: `node scripts/testbed/fake-llm-server.mjs [--latency-ms N]` prints its URL.
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

const verbs = [
  "Describe",
  "Explain",
  "Summarize",
  "Compare",
  "Classify",
  "Rewrite",
  "Suggest",
  "Translate",
  "Evaluate",
  "List",
  "Outline",
  "Identify",
  "Analyse",
  "Estimate",
  "Propose",
  "Critique",
];
const topics = [
  "volcanoes",
  "tax policy",
  "sourdough bread",
  "chess openings",
  "coral reefs",
  "jazz harmony",
  "solar panels",
  "medieval castles",
  "sleep hygiene",
  "urban gardening",
  "quantum tunnelling",
  "marathon training",
  "supply chains",
  "bird migration",
  "compound interest",
  "glacier retreat",
  "vaccine trials",
  "typography",
  "river deltas",
  "password managers",
];
const settings = [
  "at a village school",
  "during a power cut",
  "on a tight budget",
  "in the year 1900",
  "after a flood",
  "at a night market",
  "on a long flight",
  "in a small clinic",
  "at a chess club",
  "before an exam",
];
const angles = [
  "for a ten-year-old",
  "in three bullet points",
  "from an economist's view",
  "with one concrete example",
  "as a short poem",
  "for a busy manager",
  "in plain language",
  "with its main risks",
  "and its history",
  "for a job interview",
];

/** A distinct instruction for a (request, number) pair, deterministic. */
function instructionFor(seed, n) {
  let h = 2166136261;
  for (const ch of `${seed}/${n}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const verb = verbs[h % verbs.length];
  const topic = topics[(h >>> 8) % topics.length];
  const angle = angles[(h >>> 16) % angles.length];
  const setting = settings[(h >>> 24) % settings.length];
  return `${verb} ${topic} ${setting} ${angle}.`;
}

function alpacaAnswer(prompt, seed) {
  const next = Number(/(\d+)\. Instruction:\s*$/.exec(prompt)?.[1] ?? 4);
  let text = "";
  for (let n = next; n <= 20; n++) {
    const head = n === next ? " " : `###\n${n}. Instruction: `;
    const input = n % 3 === 0 ? `A sample input for task ${n}.` : "<noinput>";
    text += `${head}${instructionFor(seed, n)}\n${n}. Input:\n${input}\n${n}. Output:\nAn answer for task ${n}.\n`;
  }
  return text;
}

function selfInstructAnswer(prompt, seed) {
  const next = Number(/(\d+)\.\s*$/.exec(prompt)?.[1] ?? 9);
  const lines = [];
  for (let n = next; n <= 16; n++)
    lines.push(`${n === next ? " " : `${n}. `}${instructionFor(seed, n)}`);
  return lines.join("\n");
}

function instanceAnswer() {
  return "Example 1\nInput: Some realistic input text.\nOutput: A fitting output.\nExample 2\nInput: Another input.\nOutput: Another output.\n";
}

/** Cut as a server does: at the first stop sequence (stop), or at max_tokens (~4 chars each). */
function finish(text, body) {
  let cut = text.length;
  for (const stop of body.stop ?? []) {
    const at = text.indexOf(stop);
    if (at >= 0 && at < cut) cut = at;
  }
  const limit = (body.max_tokens ?? 1e9) * 4;
  if (limit < cut) return { content: text.slice(0, limit), finish_reason: "length" };
  return { content: text.slice(0, cut), finish_reason: "stop" };
}

const constraints = [
  "Answer in no more than 120 words.",
  "Include one worked example with numbers.",
  "Compare two alternatives and justify the choice.",
  "Explain each step of the reasoning in order.",
  "Give the answer as a table with three columns.",
  "Name one risk and how to reduce it.",
];

/** Evol-Instruct: the given prompt, made more complex (in depth) or a new one (in breadth). */
function evolAnswer(prompt, seed) {
  const given = /#(?:The )?Given Prompt#:\n([\s\S]*?)\n#(?:Rewritten|Created) Prompt#:\s*$/.exec(
    prompt,
  )?.[1];
  if (prompt.trimEnd().endsWith("#Created Prompt#:")) return instructionFor(`${seed}/new`, 1);
  let h = 2166136261;
  for (const ch of `${seed}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `${(given ?? "Describe a topic.").trim()} ${constraints[h % constraints.length]}`;
}

/** The equality check: Equal only when the two prompts are the same text. */
function equalityAnswer(prompt) {
  const first = /The First Prompt: ([\s\S]*?)\nThe Second Prompt:/.exec(prompt)?.[1];
  const second = /The Second Prompt: ([\s\S]*?)\nYour Judgement/.exec(prompt)?.[1];
  return first?.trim() === second?.trim() ? "Equal" : "Not Equal";
}

/** An answer to an instruction: deterministic, a few sentences that quote it. */
function plainAnswer(prompt) {
  const words = prompt.split(/\s+/).filter(Boolean);
  return `Here is a careful answer to "${words.slice(0, 8).join(" ")}". First, the main point is stated plainly. Second, an example shows how it works in practice. Finally, a short summary closes the answer.`;
}

function judgeAnswer(prompt) {
  const a =
    /\[The Start of Assistant A's Answer\]\n([\s\S]*?)\n\[The End of Assistant A's Answer\]/.exec(
      prompt,
    )?.[1] ?? "";
  const b =
    /\[The Start of Assistant B's Answer\]\n([\s\S]*?)\n\[The End of Assistant B's Answer\]/.exec(
      prompt,
    )?.[1] ?? "";
  const verdict = a.length > b.length ? "A" : b.length > a.length ? "B" : "C";
  return `The answers differ in how much they say. [[${verdict}]]`;
}

export function answerFor(body, seed) {
  const prompt = body.messages?.at(-1)?.content ?? "";
  if (prompt.startsWith("Come up with examples")) return instanceAnswer();
  if (prompt.startsWith("Come up with a series of tasks")) return selfInstructAnswer(prompt, seed);
  if (/#(Rewritten|Created) Prompt#:\s*$/.test(prompt)) return evolAnswer(prompt, seed);
  if (prompt.startsWith("Here are two instructions.")) return equalityAnswer(prompt);
  if (prompt.startsWith("Please act as an impartial judge")) return judgeAnswer(prompt);
  if (/\d+\. Instruction:\s*$/.test(prompt)) return alpacaAnswer(prompt, seed);
  return plainAnswer(prompt);
}

export async function startFakeLlmServer(options = {}) {
  const latencyMs = options.latencyMs ?? 0;
  const script = [];
  const requests = [];
  const hanging = new Set();
  let count = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      if (req.method === "GET" && req.url?.endsWith("/models")) {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ object: "list", data: [{ id: "fake", object: "model" }] }));
      }
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" });
        return res.end(
          JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }),
        );
      }
      count += 1;
      const n = count;
      const step = script.shift() ?? { kind: "ok" };
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = {};
      }
      const entry = { n, id: req.headers["x-tunectl-request"], kind: step.kind, at: Date.now() };
      requests.push(entry);
      if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
      const json = (status, value, headers = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(value));
      };
      switch (step.kind) {
        case "429":
          return json(
            429,
            { error: { message: "rate limited", type: "rate_limit_error" } },
            { "retry-after": String(step.retryAfter ?? 1) },
          );
        case "500":
          return json(500, { error: { message: "internal error", type: "server_error" } });
        case "malformed":
          res.writeHead(200, { "content-type": "application/json" });
          return res.end('{"id": "chatcmpl-broken", "choices": [{"message": ');
        case "hang":
          hanging.add(res);
          return;
        case "die":
          res.writeHead(200, { "content-type": "application/json" });
          res.write('{"id": "chatcmpl-');
          return res.socket?.destroy();
        default: {
          const text = step.content ?? answerFor(body, `${entry.id ?? n}`);
          let out = finish(text, body);
          if (step.kind === "length") {
            const half = Math.max(1, Math.floor(text.length * 0.6));
            out = { content: text.slice(0, half), finish_reason: "length" };
          }
          entry.answered = true;
          const prompt = body.messages?.at(-1)?.content ?? "";
          return json(
            200,
            {
              id: `chatcmpl-${n}`,
              object: "chat.completion",
              created: Math.floor(Date.now() / 1000),
              model: body.model ?? "fake",
              choices: [
                {
                  index: 0,
                  message: { role: "assistant", content: out.content },
                  finish_reason: out.finish_reason,
                },
              ],
              usage: {
                prompt_tokens: Math.ceil(prompt.length / 4),
                completion_tokens: Math.ceil(out.content.length / 4),
                total_tokens: Math.ceil(prompt.length / 4) + Math.ceil(out.content.length / 4),
              },
            },
            { "x-request-id": `req-${n}` },
          );
        }
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    script,
    requests,
    async close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const at = process.argv.indexOf("--latency-ms");
  const server = await startFakeLlmServer({ latencyMs: at > 0 ? Number(process.argv[at + 1]) : 0 });
  process.stdout.write(`${server.url}\n`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
