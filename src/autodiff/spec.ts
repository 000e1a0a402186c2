/**
 * What a gradient graph is asked to compute: with respect to which tensors, and which scalar.
 */

/**
 * The explained scalar F, one per batch row, appended after the model's outputs. Selection is
 * by a float mask input (`gs_target_mask`), so one built graph serves every class and token.
 */
export type HeadSpec =
  /** F[b] = sum_c act(logits)[b, c] * mask[b, c]; mask input [B, C]. */
  | { kind: 'classification'; output?: string; activation: 'softmax' | 'sigmoid' | 'identity' }
  /** F[b] = sum_{t,c} softmax(logits, -1)[b, t, c] * mask[b, t, c]; mask input [B, T, C]. */
  | { kind: 'token-classification'; output?: string }
  /** F[b] = mask[b,0] * max_t start[b, t] + mask[b,1] * max_t end[b, t]; mask input [B, 2]. */
  | { kind: 'span-max'; outputs: [string, string] }
  /**
   * Causal language models: F[b] = sum_v log_softmax(sum_t logits[b, t, :] * position[b, t])[v] * mask[b, v],
   * i.e. the log-probability of the token selected by the mask [B, V] at the position selected
   * by `gs_position_mask` [B, T]. One graph serves every (target token, path point) row.
   */
  | { kind: 'causal-lm'; output?: string }
  /**
   * F = sum over every element of output * projection (scalar, no batch axis); projection input
   * shaped like the output. Used by gradient checks of single ops and whole models.
   */
  | { kind: 'projection'; output?: string };

/** Names of the inputs and outputs the builder adds. */
export const GS = {
  targetMask: 'gs_target_mask',
  positionMask: 'gs_position_mask',
  projection: 'gs_projection',
  scalar: 'gs_scalar',
  gradPrefix: 'gs_grad_',
  alphas: 'gs_alphas',
  weights: 'gs_weights',
  input: 'gs_input',
  baseline: 'gs_baseline',
  attribution: 'gs_attribution',
} as const;
