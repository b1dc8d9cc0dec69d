import { z } from 'zod';
import { AUTHENTICATED, PUBLIC, SESSION } from '../auth/permissions';
import type { RouteTable } from './routes';

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Stable machine-readable error code' },
    detail: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, params: { type: 'object', description: 'Values for a translated message (minimum, maximum, format, suggestion…)' } } },
    },
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

/** OpenAPI 3.1 document of every mounted route, core's and plugins', from the route table. */
export function buildOpenApi(table: RouteTable, info: { version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of table.list()) {
    const { def } = route;
    const path = route.fullPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      default: { description: 'Error', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
    };
    responses[String(def.status ?? 200)] = {
      description: 'Success',
      ...(def.output ? { content: { 'application/json': { schema: jsonSchema(def.output, 'output') } } } : {}),
    };
    paths[path] ??= {};
    paths[path][def.method.toLowerCase()] = {
      operationId: def.id,
      summary: def.summary,
      ...(def.description ? { description: def.description } : {}),
      tags: [route.owner],
      'x-permission': def.permission,
      security: def.permission === PUBLIC ? [] : def.permission === SESSION ? [{ session: [] }] : [{ session: [] }, { bearer: [] }],
      parameters: [...parameters(def.input?.params, 'path'), ...parameters(def.input?.query, 'query')],
      ...(def.input?.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(def.input.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Carillon API',
      version: info.version,
      description: `Routes marked x-permission "${AUTHENTICATED}" need any login; "${SESSION}" a login session (never an API token); "${PUBLIC}" none. "account.*" permissions cover one's own account: every user holds them, an API token only when created with them. Session calls that change state need the X-CSRF-Token header.`,
    },
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'carillon_session' },
        bearer: { type: 'http', scheme: 'bearer', description: 'Personal API token (crl_…)' },
      },
    },
  };
}
