/**
 * Compile-time tests of `definedFields` (provider/resources/common/requestBody.ts): the build
 * type-checks this file, so a body literal that stops being checked against the spec's type fails
 * the build. Nothing here runs.
 */
import type { BranchCreateRequest, EndpointCreateRequest } from "../../provider/client/requests";
import { definedFields } from "../../provider/resources/common/requestBody";

export function bodiesChecked(): unknown[] {
  return [
    // A required part of a body (context `X`).
    { endpoint: definedFields<EndpointCreateRequest["endpoint"]>({ branch_id: "br-1", type: "read_write" }) },
    // @ts-expect-error a field the spec does not have, in a required part
    { endpoint: definedFields<EndpointCreateRequest["endpoint"]>({ branch_id: "br-1", type: "read_write", bogus: 1 }) },
    // An optional part (context `X | undefined`), typed from the context.
    ((): BranchCreateRequest => ({ branch: definedFields({ name: "preview" }) }))(),
    // @ts-expect-error a field the spec does not have, in an optional part typed from the context
    ((): BranchCreateRequest => ({ branch: definedFields({ name: "preview", bogus: 1 }) }))(),
    // @ts-expect-error a value of the wrong kind, in an optional part typed from the context
    ((): BranchCreateRequest => ({ branch: definedFields({ protected: "yes" }) }))(),
  ];
}
