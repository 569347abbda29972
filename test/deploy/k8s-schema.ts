import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes objects checked against the API's own schemas: Kubernetes 1.30's and KEDA 2.19's, as JSON Schemas in
// test/deploy/schemas (schemas/README.md says where they come from). `kubectl kustomize` checks no field, and a
// misspelt one (`imagePullPolicyy`) would only be refused by the cluster, at `kubectl apply`.
//
// The schemas are strict, as kubeconform --strict is: an object with declared fields takes no other. Kubernetes'
// OpenAPI definitions leave additionalProperties open, so a plain JSON Schema validator would let any misspelt field
// through; the API server refuses them (kubectl's field validation is Strict by default).
// ---------------------------------------------------------------------------------------------------------------

/** A file of test/deploy/schemas: the kinds it describes (`apps/v1/Deployment`) by definition, and the definitions. */
interface SchemaFile {
  $comment: string;
  kinds: Record<string, string>;
  definitions: Record<string, object>;
}

export const SCHEMA_FILES = ['kubernetes-1.30.json', 'keda-2.19.json'] as const;

// allErrors: every unknown field of an object at once, not the first only. allowUnionTypes: quantities and
// int-or-string fields (ports, maxSurge) are `type: [string, number]`.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
/** The schema of each kind, `apps/v1/Deployment`, as an ajv reference: `file#/definitions/name`. */
const kinds = new Map<string, string>();
for (const file of SCHEMA_FILES) {
  const doc = JSON.parse(readFileSync(new URL(`./schemas/${file}`, import.meta.url), 'utf8')) as SchemaFile;
  ajv.addSchema({ $id: file, definitions: doc.definitions });
  for (const [kind, definition] of Object.entries(doc.kinds)) {
    if (kinds.has(kind)) throw new Error(`${kind} is in two schema files`);
    kinds.set(kind, `${file}#/definitions/${definition}`);
  }
}

/** The fields a JSON pointer names: `/metadata/labels/app.kubernetes.io~1name` → metadata, labels, app.kubernetes.io/name. */
const pointerFields = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((f) => f.replaceAll('~1', '/').replaceAll('~0', '~'));

/** Fields into `value` as a manifest's reader names them: `spec.template.spec.containers[0].resources`. */
function fieldPath(value: unknown, fields: string[]): string {
  let path = '';
  for (const field of fields) {
    if (Array.isArray(value)) path += `[${field}]`;
    else path += /^[A-Za-z_$][\w$]*$/.test(field) ? `${path ? '.' : ''}${field}` : `[${JSON.stringify(field)}]`;
    value = (value as Record<string, unknown> | undefined)?.[field];
  }
  return path || '(the object)';
}

function describe(object: unknown, error: ErrorObject): string {
  const at = (...more: string[]) => fieldPath(object, [...pointerFields(error.instancePath), ...more]);
  switch (error.keyword) {
    case 'additionalProperties':
      return `${at(String(error.params['additionalProperty']))}: unknown field`;
    case 'required':
      return `${at(String(error.params['missingProperty']))}: required, missing`;
    case 'const':
      return `${at()}: must be ${JSON.stringify(error.params['allowedValue'])}`;
    default:
      return `${at()}: ${error.message ?? error.keyword}`;
  }
}

/**
 * What the schema of an object's kind finds wrong with it, one line per problem (`spec.replicas: must be number`,
 * `spec.template.spec.containers[0].resourcez: unknown field`); none when it is valid. A kind neither schema file
 * describes is a problem too: nothing would check it.
 */
export function schemaProblems(object: unknown): string[] {
  const { apiVersion, kind } = (object ?? {}) as { apiVersion?: unknown; kind?: unknown };
  const ref = kinds.get(`${String(apiVersion)}/${String(kind)}`);
  if (!ref)
    return [`no schema for apiVersion ${String(apiVersion)}, kind ${String(kind)} in test/deploy/schemas (${SCHEMA_FILES.join(', ')})`];
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`schema ${ref} is missing`);
  if (validate(object)) return [];
  return [...new Set((validate.errors ?? []).map((e) => describe(object, e)))];
}
