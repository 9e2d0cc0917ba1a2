const token = document.querySelector<HTMLMetaElement>('meta[name="tunectl-token"]')?.content ?? "";

/** GET a JSON endpoint of the server (the cookie carries the token). */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: "same-origin" });
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

/** POST an action: the token goes in a header, which a page of another origin cannot send. */
export async function postAction(path: string): Promise<{ run: string; state: string }> {
  const response = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "x-tunectl-token": token },
  });
  const body = (await response.json()) as { run: string; state: string; error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

/** An EventSource whose listeners end with the view (`signal`). */
export function listen(
  path: string,
  handlers: Record<string, (data: unknown) => void>,
  signal: AbortSignal,
  onStatus?: (open: boolean) => void,
): void {
  const source = new EventSource(path, { withCredentials: true });
  for (const [event, handler] of Object.entries(handlers))
    source.addEventListener(event, (message) =>
      handler(JSON.parse((message as MessageEvent).data)),
    );
  source.addEventListener("open", () => onStatus?.(true));
  source.addEventListener("error", () => onStatus?.(false));
  signal.addEventListener("abort", () => source.close(), { once: true });
}
