import type { OperationSpec } from './operation.ts';
import { PIPELINE_ERRORS, type ErrorDefinition } from './shared/errors.ts';

/**
 * A resource: its tag in the reference and its operations, declared where the resource lives
 * (the end of its operations.ts). contracts/index.ts lists the resources — the one place a new
 * one is registered; the document's tags, every operation and every problem come from here.
 */
export interface ResourceSpec {
  tag: { name: string; description: string };
  operations: readonly OperationSpec[];
}

export function defineResource<const R extends ResourceSpec>(resource: R): R {
  for (const op of resource.operations) {
    if (!op.tags.includes(resource.tag.name)) throw new Error(`${op.operationId} is not tagged ${resource.tag.name}, its resource`);
  }
  return resource;
}

/** Every problem the resources' operations and the pipeline define, once each; a code defined twice differently is refused. */
export function errorCatalogue(resources: readonly ResourceSpec[]): ErrorDefinition[] {
  const byCode = new Map<string, ErrorDefinition>(Object.values(PIPELINE_ERRORS).map((e) => [e.code, e]));
  for (const op of resources.flatMap((r) => r.operations)) {
    for (const error of op.errors) {
      const known = byCode.get(error.code);
      if (known && known !== error) throw new Error(`The problem code ${error.code} is defined twice (see ${op.operationId})`);
      byCode.set(error.code, error);
    }
  }
  return [...byCode.values()].sort((a, b) => a.status - b.status || a.code.localeCompare(b.code));
}
