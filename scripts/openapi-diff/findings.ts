/**
 * The changes found so far. A change inside a shared component is met once per operation that uses
 * it: it is kept once, at the component, and lists every operation it affects.
 */
import type { At } from './resolve.ts';
import { type Change, type Rule, RULES } from './rules.ts';

/** The node in the old (`b`) and new (`h`) document; one is missing when the node was added or removed. */
export type Where = { b?: At; h?: At };

export class Findings {
  private readonly found = new Map<string, Change>();
  /** The operation being compared: every change found is attributed to it. */
  operation = '';

  /** Every change found, breaking first, then by pointer and rule. */
  changes(): Change[] {
    return [...this.found.values()].sort(
      (a, b) => (a.severity === b.severity ? 0 : a.severity === 'breaking' ? -1 : 1) || a.pointer.localeCompare(b.pointer) || a.rule.localeCompare(b.rule),
    );
  }

  report(rule: Rule, at: Where, message: string) {
    const document = at.h?.v !== undefined || !at.b ? 'head' : 'base';
    const pointer = (document === 'head' ? at.h?.p : at.b?.p) ?? '#';
    const key = [rule, document, pointer, message].join('\u0000');
    const existing = this.found.get(key);
    if (existing) {
      if (this.operation && !existing.operations.includes(this.operation)) existing.operations.push(this.operation);
    } else {
      this.found.set(key, { rule, severity: RULES[rule][0], pointer, document, message, operations: this.operation ? [this.operation] : [] });
    }
  }
}
