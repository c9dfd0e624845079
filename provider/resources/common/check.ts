/**
 * `check`: validates a resource's inputs with zod and reports every problem as `{property, reason}`
 * naming the field. Unknown properties are rejected (a typo must not be silently ignored), and
 * Pulumi's unknown placeholder is accepted wherever it appears (preview).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { containsUnknown, isUnknown, valueAtPath } from "./unknown";

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult<T> {
  inputs: T;
  failures: CheckFailure[];
}

/** Pulumi adds this key to every dynamic resource's inputs; it is not ours to validate. */
const providerKey = "__provider";

export function checkInputs<T>(schema: z.ZodType<T>, news: Record<string, unknown>): CheckResult<Record<string, unknown>> {
  const { [providerKey]: provider, ...inputs } = news;
  const result = schema.safeParse(inputs);
  if (result.success && !containsUnknown(inputs)) {
    return { inputs: withProvider(result.data as Record<string, unknown>, provider), failures: [] };
  }
  const failures: CheckFailure[] = [];
  for (const issue of result.success ? [] : result.error.issues) {
    // An issue about a value that is (or sits under) a placeholder is no issue yet: the value
    // will be checked again once it is known.
    const touchesUnknown = issue.path.some((_, i) => isUnknown(valueAtPath(inputs, issue.path.slice(0, i + 1))));
    if (touchesUnknown || (issue.code === "invalid_union" && containsUnknown(valueAtPath(inputs, issue.path)))) continue;
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        failures.push({ property: [...issue.path.map(String), key].join("."), reason: "is not a known property of this resource" });
      }
      continue;
    }
    failures.push({ property: issue.path.map(String).join(".") || "(inputs)", reason: describe(issue) });
  }
  // With placeholders present the inputs are passed through unparsed: zod cannot apply defaults
  // to values it cannot see.
  return { inputs: failures.length === 0 && result.success ? withProvider(result.data as Record<string, unknown>, provider) : news, failures };
}

/**
 * The `when` of a zod refinement over several fields of one object: it runs whenever the fields it
 * reads are known and valid, even when another field of the object is not known yet (a preview) or
 * is invalid, which zod otherwise takes as a reason to skip every refinement of the object (a rule
 * would then pass the preview and fail the update).
 */
export function whenFieldsKnown(...fields: string[]) {
  return (payload: { value: unknown; issues: readonly { path?: readonly PropertyKey[] }[] }): boolean => {
    const value = payload.value;
    if (value === null || typeof value !== "object") return false;
    const record = value as Record<string, unknown>;
    return fields.every((f) => !containsUnknown(record[f])) && !payload.issues.some((issue) => fields.includes(String(issue.path?.[0])));
  };
}

function withProvider(inputs: Record<string, unknown>, provider: unknown): Record<string, unknown> {
  return provider === undefined ? inputs : { ...inputs, [providerKey]: provider };
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return /received undefined$/.test(issue.message) ? `is required (${issue.expected})` : `must be a ${issue.expected}`;
    case "too_small":
      return issue.origin === "string" ? `must be at least ${issue.minimum} characters` : issue.origin === "array" ? `must have at least ${issue.minimum} items` : `must be ≥ ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string" ? `must be at most ${issue.maximum} characters` : issue.origin === "array" ? `must have at most ${issue.maximum} items` : `must be ≤ ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return issue.message;
  }
}

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
type IsAny<T> = 0 extends 1 & T ? true : false;
type Join<At extends string, Key extends string> = At extends "" ? Key : `${At}.${Key}`;

/**
 * Where a resource's documented arguments (its `Args` interface, what users read) and the schema
 * `check` applies (its inferred `Inputs`) disagree, as messages naming the argument by its dotted
 * path, nested objects and list elements included: one that only one of them has, one optional in
 * only one, a value one accepts and the other does not, or a documented `any`. `never` when they agree.
 */
export type ArgumentMismatches<Args, Inputs, At extends string = ""> =
  | { [K in Exclude<keyof Args, keyof Inputs> & string]: `${Join<At, K>}: documented, not in the schema` }[Exclude<keyof Args, keyof Inputs> & string]
  | { [K in Exclude<keyof Inputs, keyof Args> & string]: `${Join<At, K>}: in the schema, not documented` }[Exclude<keyof Inputs, keyof Args> & string]
  | {
      [K in keyof Args & keyof Inputs & string]:
        | ((K extends OptionalKeys<Args> ? 1 : 0) extends (K extends OptionalKeys<Inputs> ? 1 : 0) ? never : `${Join<At, K>}: optional in only one of the two`)
        | ValueMismatches<Exclude<pulumi.Unwrap<Args[K]>, undefined>, Exclude<Inputs[K], undefined>, Join<At, K>>;
    }[keyof Args & keyof Inputs & string];

type ValueMismatches<Documented, Schema, At extends string> =
  IsAny<Documented> extends true
    ? `${At}: documented as any`
    : [Documented] extends [readonly (infer DocumentedElement)[]]
      ? [Schema] extends [readonly (infer SchemaElement)[]]
        ? ValueMismatches<DocumentedElement, SchemaElement, `${At}[]`>
        : `${At}: a list in only one of the two`
      : [Schema] extends [readonly unknown[]]
        ? `${At}: a list in only one of the two`
        : [Documented] extends [object]
          ? [Schema] extends [object]
            ? ArgumentMismatches<Documented, Schema, At>
            : `${At}: an object in only one of the two`
          : [Schema] extends [object]
            ? `${At}: an object in only one of the two`
            : [Schema] extends [Documented]
              ? [Documented] extends [Schema]
                ? never
                : `${At}: the documented type allows values the schema refuses`
              : `${At}: the schema accepts values the documented type does not`;

/** Compiles only when `Mismatches` is `never` (each resource's args.ts checks its two declarations). */
export type ArgumentsMatchSchema<Mismatches extends never> = Mismatches;
