/**
 * Which execution provider (EP) ONNX Runtime placed each graph node on.
 *
 * With the session option `logSeverityLevel: 0`, ONNX Runtime logs lines such as
 *
 * ```
 * [V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [WebGpuExecutionProvider]. Number of nodes: 40
 * [V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]   MatMul (/layer.0/MatMul)
 * ```
 *
 * In a browser they go to the console; in Node (onnxruntime-node, and onnxruntime-web's wasm
 * too) they are written straight to file descriptor 2, not through `console`, so a Node test
 * must read them from a child process's stderr.
 * {@link parsePlacement} turns such lines into a {@link Placement}.
 *
 * @module
 */

/** One node as the placement log names it. */
export interface PlacedNode {
  opType: string;
  name: string;
}

/** The nodes one execution provider received. */
export interface ProviderPlacement {
  /** Number of nodes, as ORT reports it. */
  count: number;
  /** The nodes, when ORT listed them (it does at verbose level). */
  nodes: PlacedNode[];
}

/** Node placement of one session, keyed by EP name (e.g. `WebGpuExecutionProvider`). */
export interface Placement {
  /** EP names in the order ORT reported them. */
  providers: string[];
  byProvider: Record<string, ProviderPlacement>;
}

const MARKER = 'VerifyEachNodeIsAssignedToAnEp]';
const HEADER = /^(?:All nodes|Node\(s\)) placed on \[([^\]]+)\]\. Number of nodes: (\d+)/;
const NODE = /^(\S+) \((.*)\)$/;

/** Well-known EP names in ORT's logs. */
export const EP_NAMES = {
  webgpu: 'WebGpuExecutionProvider',
  jsep: 'JsExecutionProvider',
  cpu: 'CPUExecutionProvider',
} as const;

/**
 * Parse ORT verbose log text (one or many lines, or an array of console messages) into a
 * {@link Placement}. Lines that are not placement lines are ignored. Returns `undefined` when
 * no placement line was found (e.g. `logSeverityLevel` was not 0).
 *
 * If several sessions were created while logging, their placements are merged.
 */
export function parsePlacement(log: string | readonly string[]): Placement | undefined {
  const lines = (typeof log === 'string' ? [log] : log).flatMap((l) => l.split(/\r?\n/));
  const placement: Placement = { providers: [], byProvider: {} };
  let current: ProviderPlacement | undefined;
  for (const line of lines) {
    const at = line.indexOf(MARKER);
    if (at < 0) continue;
    const rest = line.slice(at + MARKER.length).trim();
    const header = HEADER.exec(rest);
    if (header) {
      const provider = header[1] as string;
      let entry = placement.byProvider[provider];
      if (!entry) {
        entry = { count: 0, nodes: [] };
        placement.byProvider[provider] = entry;
        placement.providers.push(provider);
      }
      entry.count += Number(header[2]);
      current = entry;
      continue;
    }
    const node = NODE.exec(rest);
    if (node && current) current.nodes.push({ opType: node[1] as string, name: node[2] as string });
  }
  return placement.providers.length > 0 ? placement : undefined;
}

/** Number of nodes placed on `provider` (0 when absent). */
export function nodesOn(placement: Placement | undefined, provider: string): number {
  return placement?.byProvider[provider]?.count ?? 0;
}
