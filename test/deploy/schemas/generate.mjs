// Writes the JSON Schemas that test/deploy/k8s-schema.ts checks the rendered manifests against (README.md here),
// from the TypeScript declarations of two npm packages, which are generated from the upstream API definitions:
//
//   kubernetes-1.30.json  kubernetes-types@1.30.0        Kubernetes 1.30's OpenAPI definitions
//   keda-2.19.json        @kubernetes-models/keda@2.0.0  KEDA 2.19.0's API types (github.com/kedacore/keda/v2/apis)
//
// Neither package is a dependency of the repository: the tests read the JSON, and @kubernetes-models/keda wants
// Node 22. To regenerate, install them apart and give this script their node_modules:
//
//   npm install --prefix /tmp/k8s-schemas kubernetes-types@1.30.0 @kubernetes-models/keda@2.0.0
//   node test/deploy/schemas/generate.mjs /tmp/k8s-schemas/node_modules
//
// Strict as kubeconform --strict: an object with declared fields takes no other (Kubernetes' OpenAPI definitions
// leave additionalProperties open, so a misspelt field would pass). Maps (an index signature) take any key; a type
// declared without fields (RawExtension, JSON, FieldsV1: x-kubernetes-preserve-unknown-fields in the API) takes
// any value.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import ts from 'typescript';

const SOURCES = [
  { file: 'kubernetes-1.30.json', package: 'kubernetes-types', version: '1.30.0', license: 'Apache-2.0', api: 'Kubernetes 1.30' },
  { file: 'keda-2.19.json', package: '@kubernetes-models/keda', version: '2.0.0', license: 'MIT', api: 'KEDA 2.19.0' },
];

const HERE = fileURLToPath(new URL('.', import.meta.url));
const F = ts.TypeFlags;
// Sorted by code unit, not by locale: the same bytes on every machine.
const byKey = ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Quantity (`cpu`, `memory`, `sizeLimit`) is a string in the OpenAPI definitions, but the API server also takes a
 * number (`cpu: 1`); kubeconform's schemas take both too.
 */
const isQuantity = (node) => node !== undefined && ts.isTypeReferenceNode(node) && /Quantity$/.test(node.typeName.getText());

/** The JSON Schemas of the kinds one package declares: `{ kinds: { 'apps/v1/Deployment': name }, definitions }`. */
function generate(modules, source) {
  const dir = join(modules, source.package);
  const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (version !== source.version || license !== source.license) {
    throw new Error(`${dir}: ${version} (${license}), not ${source.version} (${source.license})`);
  }
  const files = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.d.ts'))
    .sort()
    .map((f) => join(dir, f));
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();
  const definitions = new Map();
  const names = new Map();

  /** An interface's definition name: its module's path in its package, and its own name where the module has several. */
  function nameOf(symbol) {
    if (names.has(symbol)) return names.get(symbol);
    const file = symbol.declarations[0].getSourceFile().fileName;
    const path = /node_modules\/(?:@[^/]+\/)?[^/]+\/(.+)\.d\.ts$/
      .exec(file)[1]
      .replace(/\/index$/, '')
      .split('/');
    const base = path.at(-1);
    const name = [...path, ...(symbol.name === base || symbol.name === `I${base}` ? [] : [symbol.name])].join('.');
    if ([...names.values()].includes(name)) throw new Error(`${source.package}: two definitions named ${name}`);
    names.set(symbol, name);
    return name;
  }

  /** The schema of a type; `node` is the type as written, where an alias (Quantity) is still visible. */
  function schemaOf(type, node) {
    if (isQuantity(node)) return { type: ['string', 'number'] };
    if (type.flags & (F.Any | F.Unknown)) return {};
    if (type.flags & F.Boolean) return { type: 'boolean' };
    if (type.flags & F.String) return { type: 'string' };
    if (type.flags & F.Number) return { type: 'number' };
    if (type.isStringLiteral() || type.isNumberLiteral()) return { const: type.value };
    if (type.isUnion()) {
      // An optional field's type is `T | undefined`; `boolean` is `true | false`.
      const defined = type.types.filter((t) => !(t.flags & (F.Undefined | F.Null)));
      const members = defined.filter((t) => !(t.flags & F.BooleanLiteral));
      const boolean = members.length < defined.length;
      if (!boolean && members.length === 1) return schemaOf(members[0], node);
      if (!boolean && members.every((t) => t.isStringLiteral())) return { enum: members.map((t) => t.value) };
      const schemas = [...members.map((t) => schemaOf(t)), ...(boolean ? [{ type: 'boolean' }] : [])];
      if (schemas.length === 1) return schemas[0];
      // int-or-string (ports, maxSurge) is `number | string`.
      const simple = schemas.every((s) => Object.keys(s).length === 1 && typeof s.type === 'string');
      return simple ? { type: schemas.map((s) => s.type) } : { anyOf: schemas };
    }
    if (checker.isArrayType(type)) {
      const element = node && ts.isArrayTypeNode(node) ? node.elementType : node?.typeArguments?.[0];
      return { type: 'array', items: schemaOf(checker.getTypeArguments(type)[0], element) };
    }
    if (type.flags & F.Object) {
      const properties = checker.getPropertiesOfType(type);
      const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
      if (properties.length === 0 && !index) return {};
      if (properties.length === 0) return { type: 'object', additionalProperties: schemaOf(index.type, index.declaration?.type) };
      if (!(type.symbol.flags & ts.SymbolFlags.Interface)) return objectSchema(properties, index);
      const name = nameOf(type.symbol);
      if (!definitions.has(name)) {
        definitions.set(name, {}); // taken before its fields: JSONSchemaProps refers to itself
        definitions.set(name, objectSchema(properties, index));
      }
      return { $ref: `#/definitions/${name}` };
    }
    throw new Error(`${source.package}: no schema for the type ${checker.typeToString(type)}`);
  }

  function objectSchema(properties, index) {
    const schema = { type: 'object', properties: {} };
    const required = [];
    for (const property of properties) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      schema.properties[property.name] = schemaOf(checker.getTypeOfSymbol(property), declaration?.type);
      if (!(property.flags & ts.SymbolFlags.Optional)) required.push(property.name);
    }
    if (required.length) schema.required = required;
    // The strictness: no field but the declared ones, unless the type is also a map.
    schema.additionalProperties = index ? schemaOf(index.type, index.declaration?.type) : false;
    return schema;
  }

  // The kinds: the package's interfaces whose apiVersion and kind are literals, lists left out (no manifest holds one).
  const kinds = new Map();
  for (const file of files) {
    const sourceFile = program.getSourceFile(file);
    const module = sourceFile && checker.getSymbolAtLocation(sourceFile);
    for (const symbol of module ? checker.getExportsOfModule(module) : []) {
      if (!(symbol.flags & ts.SymbolFlags.Interface) || symbol.declarations[0].getSourceFile() !== sourceFile) continue;
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      const literal = (field) => {
        const property = type.getProperty(field);
        const t = property && checker.getNonNullableType(checker.getTypeOfSymbol(property));
        return t?.isStringLiteral() ? t.value : undefined;
      };
      const [apiVersion, kind] = [literal('apiVersion'), literal('kind')];
      if (!apiVersion || !kind || kind.endsWith('List')) continue;
      kinds.set(`${apiVersion}/${kind}`, schemaOf(type).$ref.replace('#/definitions/', ''));
    }
  }
  return {
    $comment: `Generated by test/deploy/schemas/generate.mjs from ${source.package}@${source.version} (${source.license}): ${source.api}. Do not edit.`,
    kinds: Object.fromEntries([...kinds].sort(byKey)),
    definitions: Object.fromEntries([...definitions].sort(byKey)),
  };
}

const modules = process.argv[2];
if (!modules) {
  console.error('usage: node test/deploy/schemas/generate.mjs <node_modules with kubernetes-types and @kubernetes-models/keda>');
  process.exit(2);
}
// Written as prettier writes it, so that `npm run lint` passes.
const options = { ...(await resolveConfig(join(HERE, 'schema.json'))), parser: 'json' };
for (const source of SOURCES) {
  const doc = generate(modules, source);
  writeFileSync(join(HERE, source.file), await format(JSON.stringify(doc), options));
  console.log(`${source.file}: ${Object.keys(doc.kinds).length} kinds, ${Object.keys(doc.definitions).length} definitions`);
}
