import type { ChatEndpoint, Completion } from "../generate/index.js";
import type { JudgeSpec } from "./judge-spec.js";

/** One prompt to judge: the evaluated checkpoint's answer against the reference's. */
export interface JudgePair {
  prompt_id: string;
  prompt: string;
  candidate: string;
  reference: string;
}

/** What the judge said in one order: which letter won (C: a tie), or nothing it could read. */
export type Said = "A" | "B" | "tie" | "unreadable";

export interface JudgeVerdict {
  prompt_id: string;
  /** The candidate's result once both orders are heard. */
  verdict: "win" | "loss" | "tie";
  /** The candidate shown as A, then as B. */
  orders: Array<{ candidate_as: "A" | "B"; said: Said }>;
  /** Both orders agree (a judge that prefers a position gives a tie, not a win). */
  consistent: boolean;
}

export interface JudgeTally {
  verdicts: JudgeVerdict[];
  wins: number;
  losses: number;
  ties: number;
  /** (wins + ties / 2) / prompts. */
  win_rate: number;
  usage: { requests: number; input_tokens: number; output_tokens: number };
  cost_usd: number;
}

/** The pairwise prompt of MT-Bench's judge (Zheng et al. 2023), with [[C]] for a tie. */
export function judgePrompt(question: string, a: string, b: string): string {
  return [
    "Please act as an impartial judge and evaluate the quality of the responses provided by two AI assistants to the user question displayed below.",
    "You should choose the assistant that follows the user's instructions and answers the user's question better.",
    "Consider helpfulness, relevance, accuracy, depth and level of detail. Do not let the order in which the responses were presented, their length or the assistants' names influence your evaluation.",
    'After a short explanation, output your final verdict by strictly following this format: "[[A]]" if assistant A is better, "[[B]]" if assistant B is better, and "[[C]]" for a tie.',
    "",
    `[User Question]\n${question}`,
    "",
    `[The Start of Assistant A's Answer]\n${a}\n[The End of Assistant A's Answer]`,
    "",
    `[The Start of Assistant B's Answer]\n${b}\n[The End of Assistant B's Answer]`,
  ].join("\n");
}

/** The last [[A]] / [[B]] / [[C]] of the judge's answer. */
export function parseVerdict(content: string): Said {
  const found = [...content.matchAll(/\[\[([ABC])\]\]/g)].at(-1)?.[1];
  if (found === "A" || found === "B") return found;
  return found === "C" ? "tie" : "unreadable";
}

/** The candidate's score in one order: 1 win, 0 loss, 0.5 tie; null when unreadable. */
function score(said: Said, candidateAs: "A" | "B"): number | null {
  if (said === "unreadable") return null;
  if (said === "tie") return 0.5;
  return said === candidateAs ? 1 : 0;
}

/** Two orders into one verdict: the mean score decides; disagreeing orders cancel to a tie. */
export function combine(
  orders: JudgeVerdict["orders"],
): Pick<JudgeVerdict, "verdict" | "consistent"> {
  const scores = orders
    .map((o) => score(o.said, o.candidate_as))
    .filter((s): s is number => s !== null);
  if (scores.length === 0) return { verdict: "tie", consistent: false };
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const consistent = scores.length === orders.length && scores.every((s) => s === scores[0]);
  return { verdict: mean > 0.5 ? "win" : mean < 0.5 ? "loss" : "tie", consistent };
}

export interface JudgeDeps {
  endpoint: ChatEndpoint;
  spec: JudgeSpec;
  signal: AbortSignal;
  /** Called after each answer, for progress. */
  onAnswer?: (done: number, total: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Every pair judged twice, the candidate first shown as A and then as B (position bias is a
 * known failure of LLM judges), greedy (temperature 0). Requests go one at a time: a handful of
 * prompts per checkpoint.
 */
export async function judgePairs(deps: JudgeDeps, pairs: JudgePair[]): Promise<JudgeTally> {
  const usage = { requests: 0, input_tokens: 0, output_tokens: 0 };
  const verdicts: JudgeVerdict[] = [];
  const total = pairs.length * 2;
  for (const pair of pairs) {
    const orders: JudgeVerdict["orders"] = [];
    for (const candidateAs of ["A", "B"] as const) {
      const [a, b] =
        candidateAs === "A" ? [pair.candidate, pair.reference] : [pair.reference, pair.candidate];
      const answer = await ask(
        deps,
        `${pair.prompt_id}.${candidateAs}`,
        judgePrompt(pair.prompt, a, b),
      );
      usage.requests += 1;
      usage.input_tokens += answer.usage.input_tokens;
      usage.output_tokens += answer.usage.output_tokens;
      orders.push({ candidate_as: candidateAs, said: parseVerdict(answer.content) });
      deps.onAnswer?.(usage.requests, total);
    }
    verdicts.push({ prompt_id: pair.prompt_id, orders, ...combine(orders) });
  }
  const count = (v: JudgeVerdict["verdict"]) => verdicts.filter((x) => x.verdict === v).length;
  const [wins, losses, ties] = [count("win"), count("loss"), count("tie")];
  const { input_per_1m_usd, output_per_1m_usd } = deps.spec.pricing;
  return {
    verdicts,
    wins,
    losses,
    ties,
    win_rate: verdicts.length ? (wins + ties / 2) / verdicts.length : 0,
    usage,
    cost_usd:
      (usage.input_tokens * input_per_1m_usd + usage.output_tokens * output_per_1m_usd) / 1e6,
  };
}

async function ask(deps: JudgeDeps, id: string, prompt: string): Promise<Completion> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const sampling = {
    temperature: 0,
    top_p: 1,
    max_tokens: deps.spec.max_tokens,
    presence_penalty: 0,
    frequency_penalty: 0,
    stop: [],
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.endpoint.complete({ id, prompt, sampling }, deps.signal);
    } catch (error) {
      if (attempt >= deps.spec.max_attempts || deps.signal.aborted) throw error;
      await sleep(1000 * 2 ** (attempt - 1));
    }
  }
}
