/**
 * A small OCSF validator for tests, built from the schema's source definitions (the layout is in
 * `../shared/schemas/ocsf-1.6.0/SOURCE.md`) rather than from a compiled JSON Schema, so what it checks
 * can be traced to the files OCSF publishes:
 *
 * - a class's attributes are the union along its `extends` chain (base_event → finding →
 *   detection_finding), each level's `$include`d profile files first and its own attributes over
 *   them; an object's attributes likewise along its own `extends` chain;
 * - each attribute's definition is the dictionary entry (type, `is_array`, enum, sibling) with the
 *   class or object entry merged over it, enums merged key by key;
 * - an attribute that came from a profile (`profile` set, not reset to null) counts only when the
 *   event lists that profile in `metadata.profiles`;
 * - class-level ids are computed as the OCSF server does: `class_uid` = category uid × 1000 + class
 *   uid, `type_uid` = `class_uid` × 100 + `activity_id`, observable `type_id`s from every type,
 *   dictionary attribute, object and object attribute that declares `observable`.
 *
 * It reports, with a path: required attributes that are missing, values of the wrong type
 * (recursively, for every attribute present), attributes the class or object does not define, enum
 * ids that are not defined, sibling captions that contradict their id, `at_least_one` / `just_one`
 * constraints, type-level `regex`, `max_len` and `range`, and attributes marked `@deprecated`.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface AttrDef {
  type?: string;
  is_array?: boolean;
  requirement?: string;
  enum?: Record<string, { caption?: string }>;
  sibling?: string;
  profile?: string | null;
  caption?: string;
  [key: string]: unknown;
}
type Attrs = Record<string, AttrDef>;

interface SourceFile {
  name?: string;
  caption?: string;
  uid?: number;
  category?: string;
  extends?: string;
  meta?: string;
  observable?: number;
  constraints?: { at_least_one?: string[]; just_one?: string[] };
  attributes?: Record<string, unknown>;
}

interface TypeDef {
  type?: string;
  regex?: string;
  max_len?: number;
  range?: [number, number];
  values?: unknown[];
  observable?: number;
  caption?: string;
}

interface Resolved {
  attrs: Attrs;
  constraints: NonNullable<SourceFile['constraints']>;
}

export interface OcsfClassInfo {
  name: string;
  caption: string;
  classUid: number;
  categoryUid: number;
  categoryCaption: string;
}

export interface OcsfSchema {
  version: string;
  /** What `validate` expects of the class: computed ids and captions. */
  classInfo(className: string): OcsfClassInfo;
  /** Problems with one event as `path: message`; empty when the event is valid. */
  validate(event: unknown, className: string): string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function readJson(file: string): SourceFile {
  return JSON.parse(readFileSync(file, 'utf8')) as SourceFile;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** Merges attribute definitions: scalars of `over` win, enums merge key by key. */
function mergeAttr(base: AttrDef | undefined, over: AttrDef): AttrDef {
  if (!base) return { ...over };
  const merged: AttrDef = { ...base, ...over };
  if (base.enum || over.enum) merged.enum = { ...base.enum, ...over.enum };
  return merged;
}

/**
 * Loads the schema from its source folder.
 *
 * @example
 * const schema = loadOcsfSchema(path.resolve('../shared/schemas/ocsf-1.6.0'));
 * expect(schema.validate(event, 'detection_finding')).toEqual([]);
 */
export function loadOcsfSchema(root: string): OcsfSchema {
  const version = (
    JSON.parse(readFileSync(join(root, 'version.json'), 'utf8')) as { version: string }
  ).version;
  const dictionary = JSON.parse(readFileSync(join(root, 'dictionary.json'), 'utf8')) as {
    attributes: Record<string, AttrDef>;
    types: { attributes: Record<string, TypeDef> };
  };
  const categories = (readJson(join(root, 'categories.json')).attributes ?? {}) as Record<
    string,
    { uid: number; caption: string }
  >;
  const types = dictionary.types.attributes;

  const objects = new Map<string, SourceFile>();
  for (const file of walk(join(root, 'objects'))) {
    const o = readJson(file);
    if (o.name !== undefined) objects.set(o.name, o);
  }
  const classes = new Map<string, SourceFile>();
  for (const file of walk(join(root, 'events'))) {
    const c = readJson(file);
    if (c.name !== undefined) classes.set(c.name, c);
  }

  // Observable type ids, gathered the way the OCSF server builds the observable enum.
  const observableEnum: Record<string, { caption?: string }> = {};
  const addObservable = (id: number | undefined, caption?: string) => {
    if (id !== undefined) observableEnum[String(id)] = caption !== undefined ? { caption } : {};
  };
  for (const t of Object.values(types)) addObservable(t.observable, t.caption);
  for (const a of Object.values(dictionary.attributes))
    addObservable(a.observable as number | undefined, a.caption);
  for (const o of objects.values()) {
    addObservable(o.observable, o.caption);
    for (const a of Object.values(o.attributes ?? {}))
      if (isObject(a)) addObservable(a.observable as number | undefined, a.caption as string);
  }

  /** The attributes a file defines itself: its profile includes first, then its own entries. */
  function ownAttrs(file: SourceFile): Attrs {
    const attrs: Attrs = {};
    const source = file.attributes ?? {};
    const includes = source.$include;
    if (Array.isArray(includes)) {
      for (const inc of includes as string[]) {
        const included = readJson(join(root, inc));
        const profile = included.meta === 'profile' ? (included.name ?? null) : null;
        for (const [name, def] of Object.entries(included.attributes ?? {})) {
          if (!isObject(def)) continue;
          attrs[name] = mergeAttr(attrs[name], { ...(def as AttrDef), profile });
        }
      }
    }
    for (const [name, def] of Object.entries(source)) {
      if (name === '$include' || !isObject(def)) continue;
      attrs[name] = mergeAttr(attrs[name], def as AttrDef);
    }
    return attrs;
  }

  function resolveChain(
    file: SourceFile,
    lookup: Map<string, SourceFile>,
    seen: Set<string>,
  ): Resolved {
    let attrs: Attrs = {};
    let constraints: Resolved['constraints'] = {};
    if (file.extends !== undefined) {
      if (seen.has(file.extends)) throw new Error(`extends cycle at ${file.extends}`);
      const parent = lookup.get(file.extends);
      if (!parent) throw new Error(`${file.name ?? '?'} extends unknown ${file.extends}`);
      const resolved = resolveChain(parent, lookup, new Set([...seen, file.extends]));
      attrs = resolved.attrs;
      constraints = resolved.constraints;
    }
    for (const [name, def] of Object.entries(ownAttrs(file)))
      attrs[name] = mergeAttr(attrs[name], def);
    if (file.constraints) constraints = { ...constraints, ...file.constraints };
    return { attrs, constraints };
  }

  /** Dictionary entry first, the class or object's entry over it. */
  function finalise(resolved: Resolved): Resolved {
    const attrs: Attrs = {};
    for (const [name, def] of Object.entries(resolved.attrs)) {
      const dict = Object.hasOwn(dictionary.attributes, name)
        ? dictionary.attributes[name]
        : undefined;
      attrs[name] = mergeAttr(dict, def);
    }
    return { attrs, constraints: resolved.constraints };
  }

  const objectCache = new Map<string, Resolved>();
  function objectDef(name: string): Resolved {
    let r = objectCache.get(name);
    if (!r) {
      const file = objects.get(name);
      if (!file) throw new Error(`unknown object ${name}`);
      r = finalise(resolveChain(file, objects, new Set([name])));
      if (name === 'observable' && r.attrs.type_id)
        r.attrs.type_id = mergeAttr(r.attrs.type_id, { enum: observableEnum });
      objectCache.set(name, r);
    }
    return r;
  }

  const classCache = new Map<string, { def: Resolved; info: OcsfClassInfo }>();
  function classDef(name: string): { def: Resolved; info: OcsfClassInfo } {
    const cached = classCache.get(name);
    if (cached) return cached;
    const file = classes.get(name);
    if (!file || file.uid === undefined) throw new Error(`unknown event class ${name}`);
    // The category is declared somewhere along the chain (finding.json for Detection Finding).
    let categoryName: string | undefined;
    for (
      let c: SourceFile | undefined = file;
      c;
      c = c.extends ? classes.get(c.extends) : undefined
    )
      if (c.category !== undefined) {
        categoryName = c.category;
        break;
      }
    const category =
      categoryName !== undefined && Object.hasOwn(categories, categoryName)
        ? categories[categoryName]
        : undefined;
    if (!category) throw new Error(`${name}: no category`);
    const info: OcsfClassInfo = {
      name,
      caption: file.caption ?? name,
      classUid: category.uid * 1000 + file.uid,
      categoryUid: category.uid,
      categoryCaption: category.caption,
    };
    const def = finalise(resolveChain(file, classes, new Set([name])));
    // base_event lists only 0 for these; the concrete values belong to the class.
    def.attrs.class_uid = {
      ...def.attrs.class_uid,
      enum: { [String(info.classUid)]: { caption: info.caption } },
    };
    def.attrs.category_uid = {
      ...def.attrs.category_uid,
      enum: { [String(info.categoryUid)]: { caption: info.categoryCaption } },
    };
    const typeEnum: Record<string, { caption?: string }> = {};
    for (const [id, v] of Object.entries(def.attrs.activity_id?.enum ?? {}))
      typeEnum[String(info.classUid * 100 + Number(id))] = {
        caption: `${info.caption}: ${v.caption ?? id}`,
      };
    def.attrs.type_uid = { ...def.attrs.type_uid, enum: typeEnum };
    const entry = { def, info };
    classCache.set(name, entry);
    return entry;
  }

  function checkScalar(value: unknown, typeName: string, path: string, errors: string[]): void {
    const t = Object.hasOwn(types, typeName) ? types[typeName] : undefined;
    if (!t) {
      errors.push(`${path}: unknown type ${typeName}`);
      return;
    }
    const base = t.type ?? typeName;
    const wrong = (): void => {
      errors.push(`${path}: expected ${typeName}, found ${JSON.stringify(value)}`);
    };
    switch (base) {
      case 'string_t':
        if (typeof value !== 'string') return wrong();
        if (t.max_len !== undefined && value.length > t.max_len)
          errors.push(`${path}: longer than ${t.max_len} characters`);
        if (t.regex !== undefined && !new RegExp(t.regex).test(value))
          errors.push(`${path}: ${JSON.stringify(value)} is not a valid ${typeName}`);
        return;
      case 'integer_t':
        if (!Number.isInteger(value) || Math.abs(value as number) > 2 ** 31) return wrong();
        break;
      case 'long_t':
        if (!Number.isSafeInteger(value)) return wrong();
        break;
      case 'float_t':
        if (typeof value !== 'number' || !Number.isFinite(value)) return wrong();
        break;
      case 'boolean_t':
        if (typeof value !== 'boolean') return wrong();
        break;
      case 'json_t':
        return;
      default:
        errors.push(`${path}: type ${typeName} has unknown base ${base}`);
        return;
    }
    if (t.range && ((value as number) < t.range[0] || (value as number) > t.range[1]))
      errors.push(`${path}: ${String(value)} is outside ${t.range[0]}..${t.range[1]}`);
  }

  function checkValue(
    value: unknown,
    def: AttrDef,
    path: string,
    profiles: ReadonlySet<string>,
    errors: string[],
  ): void {
    const typeName = def.type;
    if (typeName === undefined) {
      errors.push(`${path}: no type in the schema`);
      return;
    }
    if (Object.hasOwn(types, typeName)) checkScalar(value, typeName, path, errors);
    else if (typeName === 'object') {
      // The root object type: any attributes (`unmapped`).
      if (!isObject(value)) errors.push(`${path}: expected an object`);
    } else checkObject(value, objectDef(typeName), path, profiles, errors);
  }

  function checkObject(
    value: unknown,
    def: Resolved,
    path: string,
    profiles: ReadonlySet<string>,
    errors: string[],
  ): void {
    const at = (name: string) => (path === '' ? name : `${path}.${name}`);
    if (!isObject(value)) {
      errors.push(`${path || '(event)'}: expected an object, found ${JSON.stringify(value)}`);
      return;
    }
    const applies = (d: AttrDef) =>
      d.profile === undefined || d.profile === null || profiles.has(d.profile);
    for (const [name, v] of Object.entries(value)) {
      const d = Object.hasOwn(def.attrs, name) ? def.attrs[name] : undefined;
      if (!d) {
        errors.push(`${at(name)}: not an attribute of this ${path === '' ? 'class' : 'object'}`);
        continue;
      }
      if (!applies(d)) {
        errors.push(
          `${at(name)}: belongs to profile ${String(d.profile)}, not in metadata.profiles`,
        );
        continue;
      }
      if (v === null || v === undefined) continue;
      const deprecated = d['@deprecated'] as { since?: string } | undefined;
      if (deprecated) errors.push(`${at(name)}: deprecated since OCSF ${deprecated.since ?? '?'}`);
      if (d.is_array) {
        if (!Array.isArray(v)) errors.push(`${at(name)}: expected an array`);
        else v.forEach((item, i) => checkValue(item, d, `${at(name)}[${i}]`, profiles, errors));
      } else {
        if (Array.isArray(v)) errors.push(`${at(name)}: expected one value, found an array`);
        else checkValue(v, d, at(name), profiles, errors);
      }
      if (d.enum && !d.is_array && (typeof v === 'number' || typeof v === 'string')) {
        const e = d.enum;
        if (!Object.hasOwn(e, String(v)))
          errors.push(
            `${at(name)}: ${JSON.stringify(v)} is not one of ${Object.keys(e).join(', ')}`,
          );
        else if (d.sibling !== undefined && Object.hasOwn(value, d.sibling)) {
          const caption = e[String(v)]?.caption;
          const sib = value[d.sibling];
          // 99 (Other) means the sibling holds the source's own name.
          if (String(v) !== '99' && caption !== undefined && sib !== caption)
            errors.push(
              `${at(d.sibling)}: ${JSON.stringify(sib)} contradicts ${name} ${String(v)} (${caption})`,
            );
        }
      }
    }
    for (const [name, d] of Object.entries(def.attrs)) {
      if (d.requirement !== 'required' || !applies(d)) continue;
      if (value[name] === undefined || value[name] === null)
        errors.push(`${at(name)}: required attribute missing`);
    }
    const present = (n: string) => value[n] !== undefined && value[n] !== null;
    const { at_least_one: atLeastOne, just_one: justOne } = def.constraints;
    if (atLeastOne && !atLeastOne.some(present))
      errors.push(`${path || '(event)'}: needs at least one of ${atLeastOne.join(', ')}`);
    if (justOne && justOne.filter(present).length !== 1)
      errors.push(`${path || '(event)'}: needs exactly one of ${justOne.join(', ')}`);
  }

  return {
    version,
    classInfo: (className) => classDef(className).info,
    validate(event, className) {
      const { def, info } = classDef(className);
      const errors: string[] = [];
      const meta = isObject(event) && isObject(event.metadata) ? event.metadata : undefined;
      const listed = meta && Array.isArray(meta.profiles) ? meta.profiles : [];
      const profiles = new Set(listed.filter((p): p is string => typeof p === 'string'));
      checkObject(event, def, '', profiles, errors);
      if (!isObject(event)) return errors;
      if (meta && meta.version !== version)
        errors.push(`metadata.version: ${JSON.stringify(meta.version)}, expected "${version}"`);
      if (
        typeof event.activity_id === 'number' &&
        typeof event.class_uid === 'number' &&
        event.type_uid !== event.class_uid * 100 + event.activity_id
      )
        errors.push(
          `type_uid: ${JSON.stringify(event.type_uid)}, expected class_uid * 100 + activity_id = ${event.class_uid * 100 + event.activity_id}`,
        );
      if (event.class_name !== undefined && event.class_name !== info.caption)
        errors.push(`class_name: ${JSON.stringify(event.class_name)}, expected "${info.caption}"`);
      if (event.category_name !== undefined && event.category_name !== info.categoryCaption)
        errors.push(
          `category_name: ${JSON.stringify(event.category_name)}, expected "${info.categoryCaption}"`,
        );
      return errors;
    },
  };
}
