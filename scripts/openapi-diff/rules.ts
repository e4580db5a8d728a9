/**
 * The rule table of scripts/openapi-diff.ts: every kind of contract change it reports, with one
 * severity each. This table is where Folio decides what breaks clients — removing or renaming an
 * operation, parameter or field, requiring more, a changed type, a removed request enum value, tighter
 * request validation, changed auth; adding is not breaking, as clients tolerate unknown fields and enum
 * values — so `--rules`, the report and the changelog all name changes by these ids. A webhook's
 * payload and headers travel from Folio to the receiver, so they follow the rules for responses.
 */
export type Severity = 'breaking' | 'non-breaking';
/** Which way data flows: a request schema breaks clients when it accepts less, a response schema when it may send more. */
export type Direction = 'request' | 'response';

/** What counts as breaking. Each rule has one severity; the changelog and the report use these ids. */
export const RULES = {
  'operation-removed': ['breaking', 'An operation (method and path) was removed, or its path changed.'],
  'operation-id-changed': ['breaking', 'An operationId was renamed (SDK method names change).'],
  'security-tightened': ['breaking', 'Credentials that were accepted are not any more: auth added, a scope added, a scheme changed or removed.'],
  'parameter-removed': ['breaking', 'A parameter was removed or renamed.'],
  'parameter-added-required': ['breaking', 'A new required parameter.'],
  'parameter-made-required': ['breaking', 'An optional parameter became required.'],
  'parameter-serialization-changed': ['breaking', 'A parameter’s style, explode or media type changed.'],
  'request-body-added-required': ['breaking', 'A required request body where there was none.'],
  'request-body-made-required': ['breaking', 'An optional request body became required.'],
  'request-body-removed': ['breaking', 'The request body was removed.'],
  'request-media-type-removed': ['breaking', 'A request media type is no longer accepted.'],
  'request-field-removed': ['breaking', 'A request field was removed or renamed.'],
  'request-field-added-required': ['breaking', 'A new required request field.'],
  'request-field-made-required': ['breaking', 'An optional request field became required.'],
  'request-type-narrowed': ['breaking', 'A request value no longer accepts a type it accepted (a changed type, null no longer allowed).'],
  'request-enum-value-removed': ['breaking', 'A request enum value was removed.'],
  'request-constraint-tightened': [
    'breaking',
    'Tighter request validation: lower maxLength/maxItems/maximum, higher minLength/minItems/minimum, a new or changed pattern, ' +
      'a new enum or const, multipleOf, uniqueItems, additionalProperties: false.',
  ],
  'format-changed': ['breaking', 'A `format` was added, removed or changed (validation and SDK types change).'],
  'schema-restructured': ['breaking', 'anyOf/oneOf/allOf changed in a way that cannot be shown to be compatible.'],
  'response-removed': ['breaking', 'A response status was removed.'],
  'response-media-type-removed': ['breaking', 'A response media type was removed.'],
  'response-field-removed': ['breaking', 'A response field was removed or renamed.'],
  'response-field-made-optional': ['breaking', 'A response field that was always sent became optional.'],
  'response-field-made-nullable': ['breaking', 'A response value may now be null.'],
  'response-type-widened': ['breaking', 'A response value may now be of another type.'],
  'response-header-removed': ['breaking', 'A response header was removed.'],
  'response-header-made-optional': ['breaking', 'A response header that was always sent became optional.'],
  'webhook-removed': ['breaking', 'A webhook (an event type Folio delivers) is no longer sent.'],
  'webhook-header-removed': ['breaking', 'A header every delivery of a webhook carried is no longer sent (or no longer always).'],

  'operation-added': ['non-breaking', 'A new operation.'],
  'operation-deprecated': ['non-breaking', 'An operation was deprecated.'],
  'security-relaxed': ['non-breaking', 'The operation accepts everything it accepted, and more.'],
  'parameter-added-optional': ['non-breaking', 'A new optional parameter.'],
  'parameter-made-optional': ['non-breaking', 'A required parameter became optional.'],
  'parameter-deprecated': ['non-breaking', 'A parameter was deprecated.'],
  'request-body-added-optional': ['non-breaking', 'An optional request body where there was none.'],
  'request-body-made-optional': ['non-breaking', 'A required request body became optional.'],
  'request-media-type-added': ['non-breaking', 'A new request media type.'],
  'request-field-added-optional': ['non-breaking', 'A new optional request field.'],
  'request-field-made-optional': ['non-breaking', 'A required request field became optional.'],
  'request-type-widened': ['non-breaking', 'A request value accepts more types (e.g. null).'],
  'request-enum-value-added': ['non-breaking', 'A new request enum value.'],
  'request-constraint-relaxed': ['non-breaking', 'Looser request validation.'],
  'request-default-changed': ['non-breaking', 'The default of an omitted request value changed (behaviour, not shape).'],
  'response-added': ['non-breaking', 'A new response status.'],
  'response-media-type-added': ['non-breaking', 'A new response media type.'],
  'response-field-added': ['non-breaking', 'A new response field (clients tolerate unknown fields).'],
  'response-field-made-required': ['non-breaking', 'An optional response field is now always sent.'],
  'response-type-narrowed': ['non-breaking', 'A response value is of fewer types than before (e.g. never null).'],
  'response-enum-value-added': ['non-breaking', 'A new response enum value (clients tolerate unknown enum values).'],
  'response-enum-value-removed': ['non-breaking', 'A response enum value is no longer sent.'],
  'response-constraint-tightened': ['non-breaking', 'Response values are more constrained than before.'],
  'response-constraint-relaxed': [
    'non-breaking',
    'Response values are less constrained (e.g. a higher maxLength): not breaking for clients that read them, listed for clients that size storage.',
  ],
  'response-header-added': ['non-breaking', 'A new response header.'],
  'webhook-added': ['non-breaking', 'A new webhook (receivers tolerate event types they do not know).'],
  'webhook-header-added': ['non-breaking', 'Deliveries of a webhook carry a new header.'],
  'field-deprecated': ['non-breaking', 'A field was deprecated.'],
} as const satisfies Record<string, readonly [Severity, string]>;

export type Rule = keyof typeof RULES;

export interface Change {
  rule: Rule;
  severity: Severity;
  /** JSON Pointer (URI fragment) of the changed node: in the new document, or in the old one when the node is gone. */
  pointer: string;
  document: 'base' | 'head';
  message: string;
  /** operationIds of the operations whose contract the change affects. */
  operations: string[];
}
