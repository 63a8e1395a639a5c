// apimachinery's runtime/schema identifiers (GroupVersionKind and its relatives) and the small
// interfaces that return them, as templates meet them through GroupVersionKind and GetObjectKind.
import { bool, method, neverCalled, str } from './timetypes.js';
import { type Field, findMethod, GoError, GoType, type Method, sliceOf, T, Value } from './values.js';

function struct(name: string, fields: string[]): GoType {
  const t = new GoType('struct', name);
  t.fields = fields.map((n): Field => ({ name: n, type: T.string, json: '', embedded: false }));
  return t;
}

type Strings = Record<string, string>;
const fieldsOf = (v: Value): Strings => v.raw as Strings;

export const GroupVersionKindType = struct('schema.GroupVersionKind', ['Group', 'Version', 'Kind']);
export const GroupKindType = struct('schema.GroupKind', ['Group', 'Kind']);
export const GroupVersionType = struct('schema.GroupVersion', ['Group', 'Version']);
export const GroupResourceType = struct('schema.GroupResource', ['Group', 'Resource']);
export const GroupVersionResourceType = struct('schema.GroupVersionResource', ['Group', 'Version', 'Resource']);

const value = (t: GoType, raw: Strings): Value => new Value(t, raw);
const allEmpty = (v: Value): Value => bool(Object.values(fieldsOf(v)).every((s) => s === ''));
const gvString = (g: Strings): string => (g.Group !== '' ? `${g.Group}/${g.Version}` : g.Version!);

function methods(t: GoType, list: Record<string, Method>): void {
  for (const [name, m] of Object.entries(list)) t.methods.set(name, m);
}

methods(GroupVersionKindType, {
  Empty: method(false, [], [T.bool], allEmpty),
  GroupKind: method(false, [], [GroupKindType], (r) => value(GroupKindType, { Group: fieldsOf(r).Group!, Kind: fieldsOf(r).Kind! })),
  GroupVersion: method(false, [], [GroupVersionType], (r) => value(GroupVersionType, { Group: fieldsOf(r).Group!, Version: fieldsOf(r).Version! })),
  String: method(false, [], [T.string], (r) => str(`${fieldsOf(r).Group}/${fieldsOf(r).Version}, Kind=${fieldsOf(r).Kind}`)),
  ToAPIVersionAndKind: neverCalled(false, [], [T.string, T.string]),
});
methods(GroupKindType, {
  Empty: method(false, [], [T.bool], allEmpty),
  String: method(false, [], [T.string], (r) => str(fieldsOf(r).Group === '' ? fieldsOf(r).Kind! : `${fieldsOf(r).Kind}.${fieldsOf(r).Group}`)),
  WithVersion: method(false, [T.string], [GroupVersionKindType], (r, [v]) => value(GroupVersionKindType, { Group: fieldsOf(r).Group!, Version: v!.raw as string, Kind: fieldsOf(r).Kind! })),
});
methods(GroupResourceType, {
  Empty: method(false, [], [T.bool], allEmpty),
  String: method(false, [], [T.string], (r) => str(fieldsOf(r).Group === '' ? fieldsOf(r).Resource! : `${fieldsOf(r).Resource}.${fieldsOf(r).Group}`)),
  WithVersion: method(false, [T.string], [GroupVersionResourceType], (r, [v]) =>
    value(GroupVersionResourceType, { Group: fieldsOf(r).Group!, Version: v!.raw as string, Resource: fieldsOf(r).Resource! }),
  ),
});
methods(GroupVersionType, {
  Empty: method(false, [], [T.bool], allEmpty),
  Identifier: method(false, [], [T.string], (r) => str(gvString(fieldsOf(r)))),
  KindForGroupVersionKinds: neverCalled(false, [sliceOf(GroupVersionKindType)], [GroupVersionKindType, T.bool]),
  String: method(false, [], [T.string], (r) => str(gvString(fieldsOf(r)))),
  WithKind: method(false, [T.string], [GroupVersionKindType], (r, [k]) => value(GroupVersionKindType, { Group: fieldsOf(r).Group!, Version: fieldsOf(r).Version!, Kind: k!.raw as string })),
  WithResource: method(false, [T.string], [GroupVersionResourceType], (r, [res]) =>
    value(GroupVersionResourceType, { Group: fieldsOf(r).Group!, Version: fieldsOf(r).Version!, Resource: res!.raw as string }),
  ),
});
methods(GroupVersionResourceType, {
  Empty: method(false, [], [T.bool], allEmpty),
  GroupResource: method(false, [], [GroupResourceType], (r) => value(GroupResourceType, { Group: fieldsOf(r).Group!, Resource: fieldsOf(r).Resource! })),
  GroupVersion: method(false, [], [GroupVersionType], (r) => value(GroupVersionType, { Group: fieldsOf(r).Group!, Version: fieldsOf(r).Version! })),
  String: method(false, [], [T.string], (r) => str(`${fieldsOf(r).Group}/${fieldsOf(r).Version}, Resource=${fieldsOf(r).Resource}`)),
});

/** schema.FromAPIVersionAndKind (an unparsable apiVersion keeps only the kind). */
export function gvkFromAPIVersionAndKind(apiVersion: string, kind: string): Value {
  let group = '';
  let version = '';
  if (apiVersion !== '' && apiVersion !== '/') {
    const parts = apiVersion.split('/');
    if (parts.length === 1) version = apiVersion;
    else if (parts.length === 2) [group, version] = parts as [string, string];
  }
  return value(GroupVersionKindType, { Group: group, Version: version, Kind: kind });
}

/** A method of an interface type: calls the dynamic value's method of the same name. */
export function interfaceMethod(name: string, params: GoType[], results: GoType[]): Method {
  return method(false, params, results, (recv, args) => {
    const inner = recv.raw as Value | null;
    const bound = inner === null ? undefined : findMethod(inner, name);
    if (bound === undefined) throw new GoError('runtime error: invalid memory address or nil pointer dereference');
    return bound.method.call(bound.recv, args);
  });
}

export function interfaceType(name: string): GoType {
  return new GoType('interface', name);
}

export const ObjectKindType = interfaceType('schema.ObjectKind');
ObjectKindType.methods.set('GroupVersionKind', interfaceMethod('GroupVersionKind', [], [GroupVersionKindType]));
ObjectKindType.methods.set('SetGroupVersionKind', interfaceMethod('SetGroupVersionKind', [GroupVersionKindType], []));

T.error.methods.set('Error', interfaceMethod('Error', [], [T.string]));
