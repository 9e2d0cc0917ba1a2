import type { RenderedRecord } from "../record-render.js";
import type { ChatMessage, TrainerTokenizer } from "./trainer-tokenizer.js";

/** A rendered record as the trainer encodes it: token ids and which of them carry a label. */
export interface RecordTokens {
  ids: number[];
  /** 1 where the label is the token itself, 0 where it is -100 (context). */
  labelled: Uint8Array;
}

/** A record the trainer would refuse (scripts/trainer/trainer/encode.py's DataError). */
export class RecordEncodeError extends Error {}

/** encode.py's encode_record: BOS, segments (or chat turns), EOS trained after trained text. */
export function encodeRecord(
  tok: TrainerTokenizer,
  record: RenderedRecord,
  trainOnInputs: boolean,
): RecordTokens {
  return "segments" in record
    ? encodeSegments(tok, record.segments, trainOnInputs)
    : encodeMessages(tok, record.messages, trainOnInputs);
}

function encodeSegments(
  tok: TrainerTokenizer,
  segments: Array<{ text: string; train: boolean }>,
  trainOnInputs: boolean,
): RecordTokens {
  const ids: number[] = [];
  const labels: number[] = [];
  if (tok.bosId !== undefined) {
    ids.push(tok.bosId);
    labels.push(0);
  }
  let lastTrained = false;
  for (const segment of segments) {
    const piece = tok.encode(segment.text);
    const trained = segment.train || trainOnInputs;
    for (const id of piece) {
      ids.push(id);
      labels.push(trained ? 1 : 0);
    }
    lastTrained = trained;
  }
  if (tok.eosId !== undefined) {
    ids.push(tok.eosId);
    labels.push(lastTrained ? 1 : 0);
  }
  return { ids, labelled: Uint8Array.from(labels) };
}

type Render = (messages: ChatMessage[], addGenerationPrompt: boolean) => number[];

/** encode.py's closed_renderer: cut the assistant header a template appends regardless. */
function closedRenderer(tok: TrainerTokenizer): Render {
  const probe = [{ role: "user", content: "x" }];
  const render: Render = (m, g) => tok.renderChat(m, g);
  if (!sameIds(render(probe, false), render(probe, true))) return render;
  const header = render([], true);
  return (messages, addGenerationPrompt) => {
    const ids = render(messages, addGenerationPrompt);
    if (
      !addGenerationPrompt &&
      header.length > 0 &&
      sameIds(ids.slice(ids.length - header.length), header)
    )
      return ids.slice(0, ids.length - header.length);
    return ids;
  };
}

function encodeMessages(
  tok: TrainerTokenizer,
  messages: ChatMessage[],
  trainOnInputs: boolean,
): RecordTokens {
  const render = closedRenderer(tok);
  const ids = render(messages, false);
  const labelled = new Uint8Array(ids.length).fill(trainOnInputs ? 1 : 0);
  if (trainOnInputs) return { ids, labelled };
  messages.forEach((message, index) => {
    if (message.role !== "assistant") return;
    const prompt = render(messages.slice(0, index), true);
    const upto = render(messages.slice(0, index + 1), false);
    if (!sameIds(ids.slice(0, prompt.length), prompt) || !sameIds(ids.slice(0, upto.length), upto))
      throw new RecordEncodeError(
        "chat template is not prefix-stable; cannot tell assistant turns apart",
      );
    labelled.fill(1, prompt.length, upto.length);
  });
  return { ids, labelled };
}

/** Labels that survive truncation at `maxLen` and are a target (encode.py: labels[1:]). */
export function trainableTokens(tokens: RecordTokens, maxLen: number): number {
  const end = Math.min(tokens.ids.length, maxLen);
  let count = 0;
  for (let i = 1; i < end; i++) count += tokens.labelled[i]!;
  return count;
}

function sameIds(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
