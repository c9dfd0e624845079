// Checks HTTP exchanges (ours or the emulator's) against Neon's official OpenAPI 3.0.3 document,
// so fidelity is measured against what Neon publishes rather than against our own reading of it.
//
// OpenAPI 3.0 schemas are "almost" JSON Schema draft-07. The differences that matter for this
// document are bridged by `normaliseDocument` below before anything reaches ajv; everything else
// is ajv doing real validation.

import fs from "node:fs";
import path from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

export const NEON_OPENAPI_PATH = path.resolve(__dirname, "../../spec/neon-openapi-v2.json");

/** The Neon API is served under this prefix; the spec's paths are relative to it. */
const API_PREFIX = "/api/v2";

export interface OperationMatch {
  operationId: string;
  pathTemplate: string;
  pathParams: Record<string, string>;
}

export interface ConformanceResult {
  operationId?: string;
  errors: string[];
}

export interface ResponseExchange {
  method: string;
  /** Path after `/api/v2` (the prefix is accepted too); a query string is ignored. */
  path: string;
  status: number;
  /** Parsed JSON, or `undefined` when the body was empty. */
  body: unknown;
  contentType?: string;
}

export type QueryInput = URLSearchParams | Record<string, string | readonly string[]>;

export interface RequestExchange {
  method: string;
  /** Path after `/api/v2` (the prefix is accepted too); its query string is used when `query` is absent. */
  path: string;
  query?: QueryInput;
  /** Parsed JSON, or `undefined` when no body was sent. */
  body?: unknown;
}

type JsonObject = { [key: string]: unknown };
type HttpMethod = (typeof HTTP_METHODS)[number];
/**
 * OpenAPI 3.0 makes `required` apply differently to requests and responses (readOnly properties are
 * not required in requests, writeOnly ones not in responses), so each direction gets its own copy.
 */
export type View = "request" | "response";

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

interface ParameterInfo {
  name: string;
  location: string;
  required: boolean;
  /** JSON pointer (into the document) of the parameter's schema. */
  schemaPointer?: string;
  /** Array parameters take every repeated query value; scalars take one. */
  isArray: boolean;
}

interface OperationInfo {
  operationId: string;
  method: HttpMethod;
  pathTemplate: string;
  /** JSON pointer of the operation object. */
  pointer: string;
  operation: JsonObject;
  parameters: ParameterInfo[];
}

type Segment = { literal: string } | { param: string };

interface Route {
  template: string;
  segments: Segment[];
  operations: Map<HttpMethod, OperationInfo>;
}

/** What the spec says about one response status of one operation. */
type ResponseExpectation =
  | { kind: "undeclared"; declared: string[] }
  | { kind: "no-content"; key: string }
  // Content is declared but without a schema: any body is as good as any other.
  | { kind: "undescribed"; key: string }
  | { kind: "json"; key: string; schemaPointer: string }
  | { kind: "not-json"; key: string; mediaTypes: string[] };

export class OpenApiConformance {
  private readonly document: JsonObject;
  private readonly routes: Route[] = [];
  private readonly operations = new Map<string, OperationInfo>();
  private readonly covered = new Set<string>();

  private readonly bodyAjv: Ajv;
  private readonly paramAjv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(specPath: string = NEON_OPENAPI_PATH) {
    const parsed: unknown = JSON.parse(fs.readFileSync(specPath, "utf8"));
    if (!isObject(parsed) || !isObject(parsed.paths) || typeof parsed.openapi !== "string" || !parsed.openapi.startsWith("3.0.")) {
      throw new Error(`${specPath} is not an OpenAPI 3.0 document`);
    }
    this.document = parsed;
    this.indexOperations();

    // Registering the documents compiles nothing; validators are compiled on first use, so a test
    // that checks three exchanges pays for three schemas, not 256.
    this.bodyAjv = createAjv({ coerceTypes: false });
    // Query and path values arrive as strings; coercion lets `limit=0` be judged as the integer 0.
    this.paramAjv = createAjv({ coerceTypes: "array" });
    for (const view of ["request", "response"] as const) {
      const normalised = normaliseDocument(this.document, view);
      this.bodyAjv.addSchema(normalised, documentId(view));
      if (view === "request") this.paramAjv.addSchema(normalised, documentId(view));
    }
  }

  /** Every operationId in the document, sorted. */
  allOperationIds(): string[] {
    return [...this.operations.keys()].sort();
  }

  /** Operations for which at least one response went through `checkResponse`, sorted. */
  coveredOperationIds(): string[] {
    return [...this.covered].sort();
  }

  /**
   * Finds the operation for a request line. Concrete paths win over templated ones, as OpenAPI
   * requires (`/projects/shared` is not project "shared"). The path is matched before the method,
   * as HTTP routers do (the answer would be a 405): `DELETE /projects/shared` matches no operation
   * rather than falling back to `DELETE /projects/{project_id}`.
   */
  matchOperation(method: string, pathname: string): OperationMatch | undefined {
    const found = this.findOperation(method, pathname);
    if (!found) return undefined;
    return { operationId: found.info.operationId, pathTemplate: found.info.pathTemplate, pathParams: found.pathParams };
  }

  checkResponse(exchange: ResponseExchange): ConformanceResult {
    const found = this.findOperation(exchange.method, exchange.path);
    if (!found) return { errors: [noOperationError(exchange.method, exchange.path)] };
    const { info } = found;
    this.covered.add(info.operationId);

    const prefix = `${info.operationId} ${exchange.status} response:`;
    const expectation = this.responseExpectation(info, exchange.status);
    const errors: string[] = [];
    const hasBody = exchange.body !== undefined;

    switch (expectation.kind) {
      case "undeclared":
        errors.push(
          isSuccess(exchange.status)
            ? `${prefix} status ${exchange.status} is not a documented success status (documented: ${expectation.declared.join(", ")})`
            : `${prefix} status ${exchange.status} is not documented and the operation has no default response`,
        );
        break;
      case "no-content":
        // 204 may not carry a body at all (RFC 9110 §15.3.5). For other statuses without declared
        // content we also accept `{}`: the document itself models "nothing to say" as an empty
        // object (components/responses/EmptyResponse), so `{}` adds nothing the spec would need
        // to describe, while any property in it would be undocumented.
        if (hasBody && !(exchange.status !== 204 && isEmptyObject(exchange.body))) {
          errors.push(`${prefix} the spec declares no body for ${expectation.key}, but got ${preview(exchange.body)}`);
        }
        break;
      case "undescribed":
        break;
      case "not-json":
        // Only JSON bodies can be checked against a schema; for anything else, the media type is all.
        if (exchange.contentType !== undefined && !expectation.mediaTypes.includes(exchange.contentType.split(";", 1)[0].trim().toLowerCase())) {
          errors.push(`${prefix} content-type ${exchange.contentType} is not one the spec declares (${expectation.mediaTypes.join(", ")})`);
        }
        break;
      case "json": {
        if (exchange.contentType !== undefined && hasBody && !isJsonMediaType(exchange.contentType)) {
          errors.push(`${prefix} content-type ${exchange.contentType} is not JSON`);
        }
        if (!hasBody) {
          errors.push(`${prefix} the spec declares a JSON body for ${expectation.key}, but the body was empty`);
          break;
        }
        const validate = this.bodyValidator("response", expectation.schemaPointer);
        if (!validate(exchange.body)) errors.push(...describeErrors(validate.errors).map((e) => `${prefix} ${e}`));
        break;
      }
    }
    return { operationId: info.operationId, errors };
  }

  checkRequest(exchange: RequestExchange): ConformanceResult {
    const found = this.findOperation(exchange.method, exchange.path);
    if (!found) return { errors: [noOperationError(exchange.method, exchange.path)] };
    const { info, pathParams } = found;
    const errors: string[] = [];

    const query = exchange.query ?? new URLSearchParams(queryStringOf(exchange.path));
    errors.push(...this.checkParameters(info, pathParams, query));

    // A body sent to an operation that declares none is not flagged: the spec gives it no meaning
    // (Neon ignores it) and does not forbid it, and clients commonly send `{}` on bodiless POSTs.
    const requestBody = this.requestBodyExpectation(info);
    const prefix = `${info.operationId} request body:`;
    if (requestBody && exchange.body === undefined) {
      if (requestBody.required) errors.push(`${prefix} the spec requires a body, but none was sent`);
    } else if (requestBody?.schemaPointer) {
      const validate = this.bodyValidator("request", requestBody.schemaPointer);
      if (!validate(exchange.body)) errors.push(...describeErrors(validate.errors).map((e) => `${prefix} ${e}`));
    }
    return { operationId: info.operationId, errors };
  }

  /**
   * Validates a value against `#/components/schemas/<name>`, for data that is not a whole
   * exchange (a stored fixture, the spec's own examples). `direction` decides whether readOnly or
   * writeOnly properties count as required.
   */
  checkSchema(name: string, value: unknown, direction: View = "response"): ConformanceResult {
    const validate = this.bodyValidator(direction, `/components/schemas/${escapePointer(name)}`);
    return { errors: validate(value) ? [] : describeErrors(validate.errors).map((e) => `${name}: ${e}`) };
  }

  /**
   * Compiles every component schema (in both views) and every operation's parameter, request and
   * response schemas, returning the failures. It compiles the whole document (about half a
   * second); meant for one test proving the document is usable end to end.
   */
  compileEverything(): string[] {
    const failures: string[] = [];
    const attempt = (what: string, compile: () => unknown): void => {
      try {
        compile();
      } catch (error) {
        failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const components = isObject(this.document.components) ? this.document.components : {};
    const schemas = isObject(components.schemas) ? components.schemas : {};
    for (const name of Object.keys(schemas)) {
      for (const view of ["request", "response"] as const) {
        attempt(`${view} #/components/schemas/${name}`, () => this.bodyValidator(view, `/components/schemas/${escapePointer(name)}`));
      }
    }
    for (const info of this.operations.values()) {
      attempt(`${info.operationId} parameters`, () => this.parameterValidator(info));
      const schemaPointer = this.requestBodyExpectation(info)?.schemaPointer;
      if (schemaPointer) attempt(`${info.operationId} request body`, () => this.bodyValidator("request", schemaPointer));
      const responses = isObject(info.operation.responses) ? info.operation.responses : {};
      for (const key of Object.keys(responses)) {
        const expectation = this.expectationFor(info, key);
        if (expectation.kind === "json") {
          attempt(`${info.operationId} ${key} response`, () => this.bodyValidator("response", expectation.schemaPointer));
        }
      }
    }
    return failures;
  }

  // ---- routing ------------------------------------------------------------------------------

  private indexOperations(): void {
    const paths = this.document.paths as JsonObject;
    for (const [template, pathItem] of Object.entries(paths)) {
      if (!isObject(pathItem)) continue;
      const route: Route = { template, segments: parseTemplate(template), operations: new Map() };
      const pathItemPointer = `/paths/${escapePointer(template)}`;
      const pathLevel = this.parameterInfos(pathItem.parameters, `${pathItemPointer}/parameters`);
      for (const method of HTTP_METHODS) {
        const operation = pathItem[method];
        if (!isObject(operation)) continue;
        const pointer = `${pathItemPointer}/${method}`;
        const operationId = typeof operation.operationId === "string" ? operation.operationId : `${method.toUpperCase()} ${template}`;
        // Operation-level parameters override path-level ones with the same name and location.
        const own = this.parameterInfos(operation.parameters, `${pointer}/parameters`);
        const parameters = [
          ...pathLevel.filter((p) => !own.some((o) => o.name === p.name && o.location === p.location)),
          ...own,
        ];
        const info: OperationInfo = { operationId, method, pathTemplate: template, pointer, operation, parameters };
        route.operations.set(method, info);
        this.operations.set(operationId, info);
      }
      this.routes.push(route);
    }
  }

  private parameterInfos(list: unknown, listPointer: string): ParameterInfo[] {
    if (!Array.isArray(list)) return [];
    return list.flatMap((entry: unknown, index): ParameterInfo[] => {
      const resolved = this.resolveLocal(entry, `${listPointer}/${index}`);
      if (!resolved || typeof resolved.object.name !== "string" || typeof resolved.object.in !== "string") return [];
      const { object, pointer } = resolved;
      const hasSchema = object.schema !== undefined;
      const schema = hasSchema ? this.resolveLocal(object.schema, `${pointer}/schema`)?.object : undefined;
      return [
        {
          name: object.name as string,
          location: object.in as string,
          // Path parameters are always required in OpenAPI 3.0, whatever the flag says.
          required: object.in === "path" || object.required === true,
          schemaPointer: hasSchema ? `${pointer}/schema` : undefined,
          isArray: schema?.type === "array",
        },
      ];
    });
  }

  private findOperation(method: string, rawPath: string): { info: OperationInfo; pathParams: Record<string, string> } | undefined {
    const segments = splitPath(rawPath);
    if (!segments) return undefined;
    let best: { route: Route; pathParams: Record<string, string> } | undefined;
    for (const route of this.routes) {
      const pathParams = matchSegments(route.segments, segments);
      if (pathParams && (!best || isMoreSpecific(route.segments, best.route.segments))) best = { route, pathParams };
    }
    const info = best?.route.operations.get(method.toLowerCase() as HttpMethod);
    return info && best ? { info, pathParams: best.pathParams } : undefined;
  }

  // ---- responses ----------------------------------------------------------------------------

  private responseExpectation(info: OperationInfo, status: number): ResponseExpectation {
    const responses = isObject(info.operation.responses) ? info.operation.responses : {};
    const exact = String(status);
    const range = `${exact[0]}XX`;
    const key = [exact, range, range.toLowerCase()].find((k) => k in responses);
    if (key) return this.expectationFor(info, key);
    const declared = Object.keys(responses).filter((k) => k !== "default");
    // `default` formally covers every undeclared status, but in Neon's document it is always
    // GeneralError. A success answered with an undeclared status is a wrong status, and saying so
    // is clearer than "must have required property 'code'".
    if ("default" in responses && !isSuccess(status)) return this.expectationFor(info, "default");
    return { kind: "undeclared", declared };
  }

  private expectationFor(info: OperationInfo, key: string): ResponseExpectation {
    const responses = info.operation.responses as JsonObject;
    const resolved = this.resolveLocal(responses[key], `${info.pointer}/responses/${escapePointer(key)}`);
    if (!resolved || resolved.object.content === undefined) return { kind: "no-content", key };
    const { content } = resolved.object;
    if (!isObject(content)) return { kind: "undescribed", key }; // malformed; nothing to check against
    if (Object.keys(content).length === 0) return { kind: "no-content", key };
    const mediaType = jsonMediaTypeOf(content);
    if (!mediaType) return { kind: "not-json", key, mediaTypes: Object.keys(content) };
    if (!isObject(mediaType.value) || mediaType.value.schema === undefined) return { kind: "undescribed", key };
    return { kind: "json", key, schemaPointer: `${resolved.pointer}/content/${escapePointer(mediaType.name)}/schema` };
  }

  // ---- requests -----------------------------------------------------------------------------

  /** Undefined when the operation declares no request body; no schemaPointer when it is not JSON. */
  private requestBodyExpectation(info: OperationInfo): { required: boolean; schemaPointer?: string } | undefined {
    const resolved = this.resolveLocal(info.operation.requestBody, `${info.pointer}/requestBody`);
    if (!resolved) return undefined;
    const required = resolved.object.required === true;
    const mediaType = jsonMediaTypeOf(resolved.object.content);
    if (!mediaType || !isObject(mediaType.value) || mediaType.value.schema === undefined) return { required };
    return { required, schemaPointer: `${resolved.pointer}/content/${escapePointer(mediaType.name)}/schema` };
  }

  private checkParameters(info: OperationInfo, pathParams: Record<string, string>, query: QueryInput): string[] {
    const errors: string[] = [];
    const values: { path: JsonObject; query: JsonObject } = { path: { ...pathParams }, query: {} };
    for (const parameter of info.parameters) {
      if (parameter.location !== "query") continue;
      const given = queryValues(query, parameter.name);
      if (given.length === 0) continue;
      if (!parameter.isArray && given.length > 1) {
        errors.push(`${info.operationId} request: query parameter ${parameter.name} was given ${given.length} times`);
        continue;
      }
      values.query[parameter.name] = parameter.isArray ? given : given[0];
    }
    const validate = this.parameterValidator(info);
    if (!validate(values)) {
      errors.push(...describeErrors(validate.errors, parameterPath).map((e) => `${info.operationId} request: ${e}`));
    }
    return errors;
  }

  // ---- validators ---------------------------------------------------------------------------

  private bodyValidator(view: View, pointer: string): ValidateFunction {
    const key = `${view} ${pointer}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.bodyAjv.getSchema(`${documentId(view)}#${encodePointerForUri(pointer)}`);
      if (!validate) throw new Error(`no schema at ${pointer} in the OpenAPI document`);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /**
   * One validator per operation for `{ path: {...}, query: {...} }`. Unknown query parameters are
   * allowed: the spec does not forbid them and Neon ignores them. Header and cookie parameters are
   * not checked (the document declares none).
   */
  private parameterValidator(info: OperationInfo): ValidateFunction {
    const key = `parameters ${info.pointer}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const group = (location: string): JsonObject => {
        const declared = info.parameters.filter((p) => p.location === location);
        const properties: JsonObject = {};
        for (const p of declared) {
          properties[p.name] = p.schemaPointer ? { $ref: `${documentId("request")}#${encodePointerForUri(p.schemaPointer)}` } : {};
        }
        return { type: "object", properties, required: declared.filter((p) => p.required).map((p) => p.name) };
      };
      validate = this.paramAjv.compile({ type: "object", properties: { path: group("path"), query: group("query") } });
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** Follows a local `$ref` (if any) and returns the object together with its JSON pointer. */
  private resolveLocal(value: unknown, pointer: string, depth = 0): { object: JsonObject; pointer: string } | undefined {
    if (!isObject(value)) return undefined;
    if (typeof value.$ref !== "string") return { object: value, pointer };
    if (depth > 20) throw new Error(`$ref cycle at ${pointer}`);
    const target = value.$ref;
    if (!target.startsWith("#/")) throw new Error(`only local $refs are supported, got ${target} at ${pointer}`);
    const targetPointer = target.slice(1);
    return this.resolveLocal(readPointer(this.document, targetPointer), targetPointer, depth + 1);
  }
}

// ---- ajv setup ----------------------------------------------------------------------------------

function createAjv(options: { coerceTypes: false | "array" }): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // Keeps the offending value on each error, so messages can say what was received.
    verbose: true,
    coerceTypes: options.coerceTypes,
    // Unknown keywords still throw, so a keyword the normaliser does not know (a future OpenAPI
    // addition in Neon's document) is noticed instead of being silently ignored. The type-level
    // strictness checks are about schema style, which is Neon's business, not ours.
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
  });
  // The registered document root is an OpenAPI document, not a schema; these are its top-level
  // members, which ajv only ever walks through to reach `#/components/...` and `#/paths/...`.
  ajv.addVocabulary(["paths", "components"]);
  addFormats(ajv);
  // OpenAPI's numeric formats. Neon sends int64 values as JSON numbers (not strings), so they are
  // checked as numbers; values past 2^53 lose precision in JSON.parse but stay integral.
  const integerIn = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max;
  ajv.addFormat("int32", { type: "number", validate: integerIn(-(2 ** 31), 2 ** 31 - 1) });
  ajv.addFormat("int64", { type: "number", validate: integerIn(-(2 ** 63), 2 ** 63) });
  ajv.addFormat("uint64", { type: "number", validate: integerIn(0, 2 ** 64) });
  ajv.addFormat("int", { type: "number", validate: Number.isInteger });
  ajv.addFormat("float", { type: "number", validate: Number.isFinite });
  ajv.addFormat("double", { type: "number", validate: Number.isFinite });
  return ajv;
}

function documentId(view: View): string {
  return `https://neon-openapi.local/v2/${view}.json`;
}

// ---- OpenAPI 3.0 → JSON Schema ------------------------------------------------------------------

/** OpenAPI annotations that carry no validation meaning; `x-*` extensions are dropped as well. */
const OPENAPI_ANNOTATIONS = new Set(["example", "externalDocs", "xml", "discriminator"]);

/**
 * A copy of the document holding only what validation needs (`paths` and `components`), with every
 * schema position rewritten into JSON Schema that ajv reads the way OpenAPI 3.0 means it.
 * Pointers into the copy are the same as into the original.
 */
function normaliseDocument(document: JsonObject, view: View): JsonObject {
  const root = document;
  const schema = (node: unknown): unknown => normaliseSchema(node, view, root);
  const mediaTypes = (content: unknown): unknown =>
    isObject(content)
      ? mapValues(content, (mediaType) => (isObject(mediaType) && mediaType.schema !== undefined ? { ...mediaType, schema: schema(mediaType.schema) } : mediaType))
      : content;
  const withContent = (holder: unknown): unknown =>
    isObject(holder) && holder.content !== undefined ? { ...holder, content: mediaTypes(holder.content) } : holder;
  const parameter = (p: unknown): unknown => (isObject(p) && p.schema !== undefined ? { ...p, schema: schema(p.schema) } : p);
  const parameters = (list: unknown): unknown => (Array.isArray(list) ? list.map(parameter) : list);

  const paths = mapValues(document.paths as JsonObject, (pathItem) => {
    if (!isObject(pathItem)) return pathItem;
    const copy: JsonObject = { ...pathItem, parameters: parameters(pathItem.parameters) };
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      copy[method] = {
        ...operation,
        parameters: parameters(operation.parameters),
        requestBody: withContent(operation.requestBody),
        responses: isObject(operation.responses) ? mapValues(operation.responses, withContent) : operation.responses,
      };
    }
    return copy;
  });

  const components = isObject(document.components) ? document.components : {};
  const mapSection = (section: unknown, f: (v: unknown) => unknown): JsonObject => (isObject(section) ? mapValues(section, f) : {});
  return {
    paths,
    components: {
      schemas: mapSection(components.schemas, schema),
      responses: mapSection(components.responses, withContent),
      requestBodies: mapSection(components.requestBodies, withContent),
      parameters: mapSection(components.parameters, parameter),
    },
  };
}

function normaliseSchema(node: unknown, view: View, root: JsonObject): unknown {
  if (!isObject(node)) return node; // `true`/`false` (e.g. additionalProperties: true)
  const recurse = (child: unknown): unknown => normaliseSchema(child, view, root);

  if (typeof node.$ref === "string") {
    // OpenAPI 3.0 says siblings of $ref are ignored, while ajv would apply them (Neon has
    // `{ type: string, $ref: ApplicationType }`). `nullable` next to a $ref is the one sibling
    // that clearly means something, so it is honoured.
    const ref = { $ref: node.$ref };
    return node.nullable === true ? orNull(ref) : ref;
  }

  const out: JsonObject = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword.startsWith("x-") || OPENAPI_ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case "properties":
        out.properties = isObject(value) ? mapValues(value, recurse) : value;
        break;
      case "items":
      case "additionalProperties":
      case "not":
        out[keyword] = recurse(value);
        break;
      case "allOf":
      case "anyOf":
      case "oneOf":
        out[keyword] = Array.isArray(value) ? value.map(recurse) : value;
        break;
      default:
        out[keyword] = value;
    }
  }

  if (Array.isArray(out.required) && isObject(node.properties)) {
    const properties = node.properties;
    const hidden = view === "request" ? "readOnly" : "writeOnly";
    out.required = out.required.filter((name) => !(typeof name === "string" && hasFlag(properties[name], hidden, root)));
  }

  if (isObject(node.discriminator) && Array.isArray(out.oneOf)) {
    const selection = discriminatorSelection(node.discriminator, out.oneOf);
    delete out.oneOf;
    out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), selection];
  }

  // ajv implements `nullable` only next to `type`, which matches OpenAPI 3.0.3 to the letter: there
  // `{ type: object, nullable: true, allOf: [$ref] }` still rejects null because allOf does. Neon
  // writes exactly that for DataAPIReponse.settings and clearly means "object or null", so
  // nullable schemas with composition (or without a type) become `anyOf: [null, schema]`.
  if (out.nullable === true && (out.type === undefined || out.allOf || out.anyOf || out.oneOf)) {
    delete out.nullable;
    return orNull(out);
  }
  return out;
}

function orNull(schema: JsonObject): JsonObject {
  return { anyOf: [{ type: "null" }, schema] };
}

/**
 * OpenAPI's discriminator picks the alternative by a property's value. Plain `oneOf` would not
 * work for Neon's NeonAuthEmailServerConfig: every StandardEmailServer also matches the all-optional
 * SharedEmailServer, so "exactly one" always fails for standard servers. Neither alternative even
 * declares the `type` property the discriminator names.
 */
function discriminatorSelection(discriminator: JsonObject, alternatives: unknown[]): JsonObject {
  const propertyName = discriminator.propertyName;
  if (typeof propertyName !== "string") throw new Error("discriminator without propertyName");
  const mapping: Record<string, string> = {};
  if (isObject(discriminator.mapping)) {
    for (const [value, ref] of Object.entries(discriminator.mapping)) if (typeof ref === "string") mapping[value] = ref;
  }
  // Alternatives not named in the mapping are selected by their schema name, as OpenAPI 3.0 specifies.
  const mapped = new Set(Object.values(mapping));
  for (const alternative of alternatives) {
    if (isObject(alternative) && typeof alternative.$ref === "string" && !mapped.has(alternative.$ref)) {
      mapping[alternative.$ref.split("/").pop() as string] = alternative.$ref;
    }
  }
  const values = Object.keys(mapping);
  return {
    type: "object",
    required: [propertyName],
    properties: { [propertyName]: { type: "string", enum: values } },
    allOf: values.map((value) => ({
      if: { required: [propertyName], properties: { [propertyName]: { const: value } } },
      then: { $ref: mapping[value] },
    })),
  };
}

function hasFlag(schema: unknown, flag: "readOnly" | "writeOnly", root: JsonObject): boolean {
  if (!isObject(schema)) return false;
  if (schema[flag] === true) return true;
  if (typeof schema.$ref === "string" && schema.$ref.startsWith("#/")) {
    const target = readPointer(root, schema.$ref.slice(1));
    return isObject(target) && target[flag] === true;
  }
  return false;
}

// ---- error messages -----------------------------------------------------------------------------

/** Turns ajv errors into `"/project/id is required"`-style lines, without duplicates. */
function describeErrors(errors: ErrorObject[] | null | undefined, location: (instancePath: string) => string = bodyPath): string[] {
  const lines = (errors ?? [])
    // `if` only says "must match then"; the `then` schema's own errors say why.
    .filter((error) => error.keyword !== "if")
    .map((error) => {
      switch (error.keyword) {
        case "required":
          return `${location(`${error.instancePath}/${escapePointer(String(error.params.missingProperty))}`)} is required`;
        case "additionalProperties":
          return `${location(`${error.instancePath}/${escapePointer(String(error.params.additionalProperty))}`)} is not allowed`;
        case "enum":
          return `${location(error.instancePath)} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${preview(error.data)}`;
        default:
          return `${location(error.instancePath)} ${error.message ?? "is invalid"}`;
      }
    });
  return [...new Set(lines)];
}

function bodyPath(instancePath: string): string {
  return instancePath === "" ? "(root)" : instancePath;
}

/** `/query/limit` → `query parameter limit`. */
function parameterPath(instancePath: string): string {
  const [, location = "", ...rest] = instancePath.split("/");
  return rest.length === 0 ? `${location} parameters` : `${location} parameter ${rest.map(unescapePointer).join("/")}`;
}

function noOperationError(method: string, rawPath: string): string {
  return `no operation in the spec matches ${method.toUpperCase()} ${rawPath}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// ---- paths and pointers -------------------------------------------------------------------------

function parseTemplate(template: string): Segment[] {
  return template
    .split("/")
    .slice(1)
    .map((segment) => {
      const param = /^\{([^}]+)\}$/.exec(segment);
      return param ? { param: param[1] } : { literal: segment };
    });
}

/** Segments of the path after `/api/v2`, decoded; undefined if it is not an absolute path. */
function splitPath(rawPath: string): string[] | undefined {
  let pathname = rawPath.split(/[?#]/, 1)[0];
  if (/^https?:\/\//i.test(pathname)) pathname = new URL(pathname).pathname;
  if (pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`)) pathname = pathname.slice(API_PREFIX.length);
  if (!pathname.startsWith("/")) return undefined;
  return pathname.split("/").slice(1).map(decodeSegment);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escapes are compared literally; they will simply not match
  }
}

function matchSegments(template: Segment[], segments: string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const part = template[i];
    if ("literal" in part) {
      if (part.literal !== segments[i]) return undefined;
    } else {
      if (segments[i] === "") return undefined;
      params[part.param] = segments[i];
    }
  }
  return params;
}

/** Left to right, the first position where one template is literal and the other is not decides. */
function isMoreSpecific(a: Segment[], b: Segment[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const aLiteral = "literal" in a[i];
    if (aLiteral !== "literal" in b[i]) return aLiteral;
  }
  return false;
}

function queryStringOf(rawPath: string): string {
  const index = rawPath.indexOf("?");
  return index === -1 ? "" : rawPath.slice(index + 1).split("#", 1)[0];
}

function queryValues(query: QueryInput, name: string): string[] {
  if (query instanceof URLSearchParams) return query.getAll(name);
  const value = query[name];
  if (value === undefined) return [];
  return typeof value === "string" ? [value] : [...value];
}

function escapePointer(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Pointers become URI fragments; `{`/`}` in path templates are not legal there unescaped. */
function encodePointerForUri(pointer: string): string {
  return pointer.split("/").map((token) => encodeURIComponent(token)).join("/");
}

function readPointer(document: unknown, pointer: string): unknown {
  let node = document;
  for (const token of pointer.split("/").slice(1)) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as JsonObject)[unescapePointer(token)];
  }
  return node;
}

// ---- small helpers ------------------------------------------------------------------------------

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEmptyObject(value: unknown): boolean {
  return isObject(value) && Object.keys(value).length === 0;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function isJsonMediaType(mediaType: string): boolean {
  const essence = mediaType.split(";", 1)[0].trim().toLowerCase();
  return essence === "application/json" || essence.endsWith("+json");
}

function jsonMediaTypeOf(content: unknown): { name: string; value: unknown } | undefined {
  if (!isObject(content)) return undefined;
  const name = Object.keys(content).find(isJsonMediaType);
  return name === undefined ? undefined : { name, value: content[name] };
}

function mapValues(object: JsonObject, f: (value: unknown) => unknown): JsonObject {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, f(value)]));
}
