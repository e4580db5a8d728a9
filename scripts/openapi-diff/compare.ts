/**
 * The diff engine: matches the operations of two documents and compares what each one accepts
 * (security, parameters, request body) and sends (responses, headers). Schemas are compared by
 * SchemaDiffer; every $ref is followed, so a change inside a component is reported once, at the
 * component, with every operation it affects.
 */
import { Findings, type Where } from './findings.ts';
import { type At, type Obj, type Operation, child, deref, describeRequirement, isObj, json, operationsOf, requirements, scheme } from './resolve.ts';
import type { Change, Direction, Rule } from './rules.ts';
import { SchemaDiffer } from './schema.ts';

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One comparison of two documents, operation by operation; the changes go to one Findings. */
class Differ {
  private readonly findings = new Findings();
  private readonly schemas: SchemaDiffer;
  private readonly base: Obj;
  private readonly head: Obj;

  constructor(base: Obj, head: Obj) {
    this.base = base;
    this.head = head;
    this.schemas = new SchemaDiffer(base, head, this.findings);
  }

  private report(rule: Rule, at: Where, message: string) {
    this.findings.report(rule, at, message);
  }

  run(): Change[] {
    const baseOps = operationsOf(this.base);
    const headOps = operationsOf(this.head);
    for (const [key, b] of baseOps) {
      const h = headOps.get(key);
      this.findings.operation = b.id;
      if (!h) {
        this.report('operation-removed', { b: b.at }, `Operation \`${b.id}\` (${b.label}) was removed.`);
        continue;
      }
      this.findings.operation = h.id;
      if (b.id !== h.id) this.report('operation-id-changed', { b: b.at, h: h.at }, `operationId \`${b.id}\` was renamed to \`${h.id}\` (${h.label}).`);
      if (!b.at.v!.deprecated && h.at.v!.deprecated) this.report('operation-deprecated', { h: h.at }, `Operation \`${h.id}\` (${h.label}) is deprecated.`);
      this.security(b, h);
      this.parameters(b, h);
      this.requestBody(b, h);
      this.responses(b, h);
    }
    for (const [key, h] of headOps) {
      this.findings.operation = h.id;
      if (!baseOps.has(key)) this.report('operation-added', { h: h.at }, `New operation \`${h.id}\` (${h.label}).`);
    }
    this.webhooks();
    return this.findings.changes();
  }

  // ---- webhooks: what Folio sends to receivers, compared as responses are ----

  private webhooks() {
    const calls = (doc: Obj) =>
      new Map(
        Object.entries((doc.webhooks as Obj | undefined) ?? {}).flatMap(([name, item]) =>
          Object.entries(isObj(item) ? item : {})
            .filter(([, op]) => isObj(op))
            .map(([method, op]): [string, At] => [`${method.toUpperCase()} ${name}`, { v: op as Obj, p: child('#', 'webhooks', name, method), name }]),
        ),
      );
    const base = calls(this.base);
    const head = calls(this.head);
    for (const [key, b] of base) {
      const h = head.get(key);
      const label = `webhook \`${b.name}\``;
      this.findings.operation = `webhook:${b.name}`;
      if (!h) {
        this.report('webhook-removed', { b }, `The ${label} is no longer sent.`);
        continue;
      }
      const body = (doc: Obj, at: At) => deref(doc, { v: at.v!.requestBody as Obj | undefined, p: child(at.p, 'requestBody'), name: '' });
      const [bb, hb] = [body(this.base, b), body(this.head, h)];
      if (bb.v && hb.v) this.content(bb, hb, 'response', `payload of the ${label}`, `${b.name} webhook`);
      const headers = (doc: Obj, at: At) =>
        new Map(
          ((at.v!.parameters as unknown[] | undefined) ?? [])
            .map((raw, i) => deref(doc, { v: raw as Obj, p: child(at.p, 'parameters', i), name: '' }))
            .filter((p) => p.v?.in === 'header')
            .map((p) => [String(p.v!.name).toLowerCase(), { ...p, name: String(p.v!.name) }]),
        );
      const [bh, hh] = [headers(this.base, b), headers(this.head, h)];
      for (const [name, bp] of bh) {
        const hp = hh.get(name);
        if (!hp || (bp.v!.required && !hp.v!.required)) {
          this.report('webhook-header-removed', { b: bp }, `Deliveries of the ${label} no longer always carry \`${bp.name}\`.`);
          continue;
        }
        this.schemas.compare({ v: bp.v!.schema as Obj | undefined, p: child(bp.p, 'schema'), name: bp.name }, { v: hp.v!.schema as Obj | undefined, p: child(hp.p, 'schema'), name: hp.name }, 'response');
      }
      for (const [name, hp] of hh) if (!bh.has(name)) this.report('webhook-header-added', { h: hp }, `Deliveries of the ${label} carry a new \`${hp.name}\` header.`);
    }
    for (const [key, h] of head) {
      this.findings.operation = `webhook:${h.name}`;
      if (!base.has(key)) this.report('webhook-added', { h }, `New webhook \`${h.name}\`.`);
    }
  }

  // ---- security ----

  private security(b: Operation, h: Operation) {
    const bReqs = requirements(this.base, b.at.v!);
    const hReqs = requirements(this.head, h.at.v!);
    const schemes = (doc: Obj, reqs: typeof bReqs) => json(reqs.map((r) => Object.keys(r).map((name) => scheme(doc, name))));
    if (json(bReqs) === json(hReqs) && schemes(this.base, bReqs) === schemes(this.head, hReqs)) return;
    const at = { b: child(b.at.p, 'security'), h: child(h.at.p, 'security') };
    const where = { b: { v: b.at.v, p: at.b, name: '' }, h: { v: h.at.v, p: h.at.v!.security ? at.h : h.at.p, name: '' } };
    // Every set of credentials that satisfied one of the old alternatives must satisfy one of the new ones.
    // Credentials of a scheme whose definition changed are not accepted any more, even where anonymous requests are.
    const changed = [...new Set(bReqs.flatMap(Object.keys))].filter((name) => json(scheme(this.base, name)) !== json(scheme(this.head, name)));
    const accepted = (client: Record<string, string[]>) =>
      Object.keys(client).every((name) => !changed.includes(name)) &&
      hReqs.some((req) => Object.entries(req).every(([name, scopes]) => client[name] !== undefined && scopes.every((s) => client[name]!.includes(s))));
    const rejected = bReqs.filter((req) => !accepted(req));
    if (rejected.length > 0) {
      const why = changed.length ? ` (security scheme ${changed.map((n) => `\`${n}\``).join(', ')} changed)` : '';
      this.report('security-tightened', where, `\`${h.id}\` no longer accepts ${rejected.map(describeRequirement).join(' or ')}${why}; it now requires ${hReqs.map(describeRequirement).join(' or ')}.`);
    } else {
      this.report('security-relaxed', where, `\`${h.id}\` now accepts ${hReqs.map(describeRequirement).join(' or ')}.`);
    }
  }

  // ---- parameters ----

  private parameters(b: Operation, h: Operation) {
    for (const [key, bp] of b.params) {
      const hp = h.params.get(key);
      const label = `${bp.v!.in} parameter \`${bp.v!.name}\``;
      if (!hp) {
        this.report('parameter-removed', { b: bp }, `${capitalize(label)} of \`${h.id}\` was removed.`);
        continue;
      }
      if (!bp.v!.required && hp.v!.required) this.report('parameter-made-required', { b: bp, h: hp }, `${capitalize(label)} of \`${h.id}\` became required.`);
      if (bp.v!.required && !hp.v!.required) this.report('parameter-made-optional', { b: bp, h: hp }, `${capitalize(label)} of \`${h.id}\` became optional.`);
      if (!bp.v!.deprecated && hp.v!.deprecated) this.report('parameter-deprecated', { h: hp }, `${capitalize(label)} of \`${h.id}\` is deprecated.`);
      const serialization = (p: Obj) => json([p.style, p.explode, p.allowReserved, p.content ? Object.keys(p.content).sort() : undefined]);
      if (serialization(bp.v!) !== serialization(hp.v!)) this.report('parameter-serialization-changed', { b: bp, h: hp }, `${capitalize(label)} of \`${h.id}\` is serialized differently.`);
      const schemaOf = (p: At): At => {
        if (isObj(p.v!.schema)) return { v: p.v!.schema, p: child(p.p, 'schema'), name: String(p.v!.name) };
        const [type, media] = Object.entries((p.v!.content as Obj | undefined) ?? {})[0] ?? [];
        return { v: isObj(media) && isObj(media.schema) ? media.schema : undefined, p: child(p.p, 'content', type ?? '', 'schema'), name: String(p.v!.name) };
      };
      this.schemas.compare(schemaOf(bp), schemaOf(hp), 'request');
    }
    for (const [key, hp] of h.params) {
      if (b.params.has(key)) continue;
      const label = `${hp.v!.in} parameter \`${hp.v!.name}\``;
      if (hp.v!.required) this.report('parameter-added-required', { h: hp }, `New required ${label} on \`${h.id}\`.`);
      else this.report('parameter-added-optional', { h: hp }, `New optional ${label} on \`${h.id}\`.`);
    }
  }

  // ---- request body ----

  private requestBody(b: Operation, h: Operation) {
    const bb = deref(this.base, { v: b.at.v!.requestBody as Obj | undefined, p: child(b.at.p, 'requestBody'), name: '' });
    const hb = deref(this.head, { v: h.at.v!.requestBody as Obj | undefined, p: child(h.at.p, 'requestBody'), name: '' });
    if (!bb.v && !hb.v) return;
    if (!hb.v) return this.report('request-body-removed', { b: bb }, `\`${h.id}\` no longer takes a request body.`);
    if (!bb.v) {
      if (hb.v.required) this.report('request-body-added-required', { h: hb }, `\`${h.id}\` now requires a request body.`);
      else this.report('request-body-added-optional', { h: hb }, `\`${h.id}\` now takes an optional request body.`);
      return;
    }
    if (!bb.v.required && hb.v.required) this.report('request-body-made-required', { b: bb, h: hb }, `The request body of \`${h.id}\` became required.`);
    if (bb.v.required && !hb.v.required) this.report('request-body-made-optional', { b: bb, h: hb }, `The request body of \`${h.id}\` became optional.`);
    this.content(bb, hb, 'request', `request body of \`${h.id}\``, `${h.id} request`);
  }

  private content(b: At, h: At, dir: Direction, label: string, root: string) {
    const bc = (b.v!.content as Obj | undefined) ?? {};
    const hc = (h.v!.content as Obj | undefined) ?? {};
    for (const [type, media] of Object.entries(bc)) {
      const at = { v: media as Obj, p: child(b.p, 'content', type), name: '' };
      if (!(type in hc)) {
        this.report(`${dir}-media-type-removed`, { b: at }, `The ${label} is no longer offered as \`${type}\`.`);
        continue;
      }
      const hm = hc[type] as Obj;
      const name = `${root} ${type}`;
      this.schemas.compare(
        { v: (media as Obj).schema as Obj | undefined, p: child(b.p, 'content', type, 'schema'), name },
        { v: hm.schema as Obj | undefined, p: child(h.p, 'content', type, 'schema'), name },
        dir,
      );
    }
    for (const type of Object.keys(hc)) {
      if (!(type in bc)) this.report(`${dir}-media-type-added`, { h: { v: hc[type] as Obj, p: child(h.p, 'content', type), name: '' } }, `The ${label} is now also offered as \`${type}\`.`);
    }
  }

  // ---- responses ----

  private responses(b: Operation, h: Operation) {
    const br = (b.at.v!.responses as Obj | undefined) ?? {};
    const hr = (h.at.v!.responses as Obj | undefined) ?? {};
    for (const [status, response] of Object.entries(br)) {
      const bAt = deref(this.base, { v: response as Obj, p: child(b.at.p, 'responses', status), name: '' });
      if (!(status in hr)) {
        this.report('response-removed', { b: bAt }, `\`${h.id}\` no longer documents the ${status} response.`);
        continue;
      }
      const hAt = deref(this.head, { v: hr[status] as Obj, p: child(h.at.p, 'responses', status), name: '' });
      this.content(bAt, hAt, 'response', `${status} response of \`${h.id}\``, `${h.id} ${status}`);
      this.headers(bAt, hAt, `${status} response of \`${h.id}\``);
    }
    for (const status of Object.keys(hr)) {
      if (!(status in br)) this.report('response-added', { h: { v: hr[status] as Obj, p: child(h.at.p, 'responses', status), name: '' } }, `\`${h.id}\` documents a new ${status} response.`);
    }
  }

  private headers(b: At, h: At, label: string) {
    const index = (doc: Obj, at: At) =>
      new Map(
        Object.entries((at.v!.headers as Obj | undefined) ?? {}).map(([name, header]) => [
          name.toLowerCase(),
          { name, at: deref(doc, { v: header as Obj, p: child(at.p, 'headers', name), name }) },
        ]),
      );
    const bh = index(this.base, b);
    const hh = index(this.head, h);
    for (const [key, { name, at }] of bh) {
      const other = hh.get(key);
      if (!other) {
        this.report('response-header-removed', { b: at }, `The ${label} no longer has the \`${name}\` header.`);
        continue;
      }
      if (at.v!.required && !other.at.v!.required) this.report('response-header-made-optional', { b: at, h: other.at }, `The \`${name}\` header of the ${label} became optional.`);
      this.schemas.compare({ v: at.v!.schema as Obj | undefined, p: child(at.p, 'schema'), name }, { v: other.at.v!.schema as Obj | undefined, p: child(other.at.p, 'schema'), name }, 'response');
    }
    for (const [key, { name, at }] of hh) {
      if (!bh.has(key)) this.report('response-header-added', { h: at }, `The ${label} has a new \`${name}\` header.`);
    }
  }
}

/** Every contract change from `base` to `head`, breaking first. */
export function diffDocuments(base: object, head: object): Change[] {
  return new Differ(base as Obj, head as Obj).run();
}
