/**
 * Placeholder created with the rule registry (index.ts) so it compiles; the conv rules are
 * written by another engineer and replace this file.
 */
import type { VjpRule } from '../rule.js';

/** Backward rules of conv ops, by op type. */
export const convRules: Record<string, VjpRule> = {};
