/**
 * The local Neon API's answers, checked at compile time against Neon's spec (`spec/types`).
 * `asSpecified("Endpoint", value)` compiles only when `value` has every field the spec requires,
 * no field the spec does not declare, and only values the spec allows; otherwise the compile error
 * names the field (as a property the value is said to lack). At run time it returns the value as is.
 */
import type { Conforms, NeonSchema, NeonSchemas } from "../spec/types";

type Problems<T, Spec> = Conforms<T, Spec, "writes"> extends infer Result
  ? [Result] extends [true]
    ? unknown
    : { readonly [Problem in Result & string]: Problem }
  : never;

export function asSpecified<Name extends keyof NeonSchemas, T>(_schema: Name, value: T & Problems<T, NeonSchema<Name>>): NeonSchema<Name> {
  return value as unknown as NeonSchema<Name>;
}
