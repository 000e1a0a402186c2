/**
 * A pass-through tap on `console`, to read ONNX Runtime's log lines in-process.
 *
 * onnxruntime-web's wasm module binds `console.log`/`console.error` once, when it starts (at
 * the first session). The tap must therefore be installed BEFORE that: `importOrt` installs it
 * when it loads onnxruntime-web in a browser. Everything still reaches the real console, except lines
 * a capture chooses to swallow.
 *
 * Browser only: in Node, onnxruntime-node and onnxruntime-web's wasm write their logs to file
 * descriptor 2 directly, and the tap does not see them.
 *
 * @module
 */

type Method = 'log' | 'info' | 'warn' | 'error' | 'debug';
const METHODS: readonly Method[] = ['log', 'info', 'warn', 'error', 'debug'];

interface Capture {
  lines: string[];
  swallow: (line: string) => boolean;
}

const captures = new Set<Capture>();
let installed = false;

function format(args: readonly unknown[]): string {
  return args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : String(a))).join(' ');
}

/** Install the tap (idempotent). */
export function installConsoleTap(): void {
  if (installed) return;
  installed = true;
  const target = console as unknown as Record<Method, (...args: unknown[]) => void>;
  for (const method of METHODS) {
    const original = target[method].bind(console);
    target[method] = (...args: unknown[]): void => {
      if (captures.size > 0) {
        const line = format(args);
        let swallow = false;
        for (const c of captures) {
          c.lines.push(line);
          swallow ||= c.swallow(line);
        }
        if (swallow) return;
      }
      original(...args);
    };
  }
}

/**
 * Run `fn` while recording every console line.
 *
 * @param swallow lines for which this returns true are recorded but not printed.
 * @returns `fn`'s result and the recorded lines.
 */
export async function captureConsole<T>(
  fn: () => Promise<T>,
  swallow: (line: string) => boolean = () => false,
): Promise<{ result: T; lines: string[] }> {
  installConsoleTap();
  const capture: Capture = { lines: [], swallow };
  captures.add(capture);
  try {
    const result = await fn();
    return { result, lines: capture.lines };
  } finally {
    captures.delete(capture);
  }
}
