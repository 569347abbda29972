import type { FastifyInstance, FastifySchema } from 'fastify';
import swagger, { type SwaggerTransform } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { SESSION_COOKIE } from '../auth/cookies.js';
import { requiredScope } from '../auth/policy.js';
import type { AuthSettings } from '../auth/settings.js';

/**
 * The OpenAPI document, generated from the same zod schemas that validate requests: `/docs` (UI) and `/docs/json`.
 * With API_AUTH on it declares the bearer token (and the session cookie) as the API's security, and each operation
 * the scope it needs; open operations (health, sign-in and -out) say they need none.
 */
export async function registerOpenApi(app: FastifyInstance, auth: AuthSettings): Promise<void> {
  const security =
    auth.mode === 'on'
      ? {
          components: {
            securitySchemes: {
              bearer: {
                type: 'http' as const,
                scheme: 'bearer',
                description: 'A token of API_TOKENS. Scopes: read (GET) < write (submit, cancel) < admin (queue board).',
              },
              session: {
                type: 'apiKey' as const,
                in: 'cookie' as const,
                name: SESSION_COOKIE,
                description: 'Set by POST /auth/session, for browser pages.',
              },
            },
          },
          security: [{ bearer: [] }, { session: [] }] as Record<string, string[]>[],
        }
      : {};
  const transform: SwaggerTransform = (input) => {
    const out = jsonSchemaTransform(input);
    if (auth.mode === 'off') return out;
    const method = [input.route.method].flat()[0] ?? 'GET';
    const scope = requiredScope(method, input.url, { metricsPublic: auth.metricsPublic });
    const schema: FastifySchema & { description?: string } = out.schema;
    // The route's own `security` (the session routes'), else none for an open route.
    if (scope === null) return { ...out, schema: { ...schema, security: input.schema.security ?? [] } };
    const needs = `Needs a token with scope \`${scope}\`.`;
    return { ...out, schema: { ...schema, description: schema.description ? `${schema.description}\n\n${needs}` : needs } };
  };
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Partita',
        description: 'Submit partitioned jobs, follow their progress and timings.',
        version: '0.1.0',
      },
      ...security,
    },
    transform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
