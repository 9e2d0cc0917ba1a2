/**
 * What a stream may receive, decided once from the environment and nowhere else:
 * - `--json`: no colour, no cursor movement, whatever the environment says.
 * - `FORCE_COLOR`: set (even empty) forces colour on, also into a pipe; `0` or `false`
 *   forces it off. It wins over `NO_COLOR`, as in Node itself.
 * - `NO_COLOR` (non-empty): no colour (https://no-color.org).
 * - `TERM=dumb`: no colour and no cursor movement (no status line, no redrawn tables).
 * - Otherwise colour and a live status line exactly when the stream is a TTY.
 */
export interface TerminalMode {
  color: boolean;
  /** The stream may be rewritten in place: a status line, tables redrawn. */
  live: boolean;
}

export interface StreamInfo {
  isTTY?: boolean;
  columns?: number;
}

export function terminalMode(
  stream: StreamInfo,
  env: Record<string, string | undefined>,
  options: { json: boolean },
): TerminalMode {
  if (options.json) return { color: false, live: false };
  const tty = stream.isTTY === true;
  const dumb = env.TERM === "dumb";
  const live = tty && !dumb;
  const forced = env.FORCE_COLOR;
  if (forced !== undefined) return { color: !["0", "false"].includes(forced.trim()), live };
  if (env.NO_COLOR) return { color: false, live };
  return { color: live, live };
}

export const fallbackWidth = 80;

/**
 * Columns to draw in. A terminal that reports zero or no width (a serial console, some
 * CI ptys, a pipe) gets `COLUMNS` when that is a positive number, else 80.
 */
export function terminalWidth(stream: StreamInfo, env: Record<string, string | undefined>): number {
  const columns = stream.columns;
  if (typeof columns === "number" && Number.isFinite(columns) && columns > 0) return columns;
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return fallbackWidth;
}
