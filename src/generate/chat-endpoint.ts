import OpenAI from "openai";

export interface Sampling {
  temperature: number;
  top_p: number;
  max_tokens: number;
  presence_penalty: number;
  frequency_penalty: number;
  stop: string[];
}

/** Just the sampling settings of a recipe section (which may hold other keys too). */
export function pick(s: Sampling): Sampling {
  return {
    temperature: s.temperature,
    top_p: s.top_p,
    max_tokens: s.max_tokens,
    presence_penalty: s.presence_penalty,
    frequency_penalty: s.frequency_penalty,
    stop: s.stop,
  };
}

export interface ChatRequest {
  id: string;
  prompt: string;
  sampling: Sampling;
}

export interface Completion {
  content: string;
  finishReason: string;
  usage: { input_tokens: number; output_tokens: number };
  requestId?: string;
  headers: Headers;
}

/** One try of one request; the retry policy around it is ours (retry-policy.ts). */
export interface ChatEndpoint {
  complete(request: ChatRequest, signal: AbortSignal): Promise<Completion>;
}

/** A 200 whose body is not a chat completion: retried like a 5xx. */
export class MalformedAnswer extends Error {}

export interface EndpointOptions {
  baseURL: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

/**
 * The official client, with its own retries off (maxRetries 0) so that one policy decides
 * waits from Retry-After and x-ratelimit-* for all requests at once. Everything it would read
 * from the environment is given explicitly: the key comes from the named secret only.
 */
export function openAiEndpoint(options: EndpointOptions): ChatEndpoint {
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? "unused",
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
  return {
    async complete(request, signal) {
      let result;
      try {
        result = await client.chat.completions
          .create(
            {
              model: options.model,
              messages: [{ role: "user", content: request.prompt }],
              n: 1,
              ...request.sampling,
            },
            { signal, headers: { "x-tunectl-request": request.id } },
          )
          .withResponse();
      } catch (error) {
        if (error instanceof SyntaxError)
          throw new MalformedAnswer(`invalid JSON: ${error.message}`);
        throw error;
      }
      const { data, response, request_id } = result;
      const choice = (data as Partial<typeof data>)?.choices?.[0];
      if (!choice || typeof choice.message?.content !== "string") {
        throw new MalformedAnswer("the answer has no choices[0].message.content");
      }
      return {
        content: choice.message.content,
        finishReason: choice.finish_reason ?? "stop",
        usage: {
          input_tokens: data.usage?.prompt_tokens ?? 0,
          output_tokens: data.usage?.completion_tokens ?? 0,
        },
        ...(request_id || data.id ? { requestId: request_id ?? data.id } : {}),
        headers: response.headers,
      };
    },
  };
}
