/**
 * Each request validator of the local Neon API, checked at compile time against the operation it
 * reads in Neon's spec (`spec/types`): the fields it reads must be the spec's, required only where
 * the spec requires them, and accept values of the spec's kinds (it may refuse more, as Neon does:
 * limits and enums that types cannot say). A field renamed in the spec fails the build here, named.
 * The answers are checked where they are built (`route` in ./types, `asSpecified` in ../specShape).
 *
 * `test/emulator/specConformance.test.ts` checks that every validator a handler parses with is listed.
 * Types only: nothing here runs.
 */
import type { z } from "zod";
import type { CheckedAgainstSpec, Conforms, NeonOperationId, NeonQuery, NeonRequestBody } from "../../spec/types";
import type * as branches from "./branches";
import type * as dataApi from "./dataApi";
import type * as endpoints from "./endpoints";
import type * as identity from "./identity";
import type * as neonAuth from "./neonAuth";
import type * as operations from "./operations";
import type * as projects from "./projects";
import type * as rolesAndDatabases from "./rolesAndDatabases";
import type * as snapshots from "./snapshots";

type BodyReadAsSpecified<Op extends NeonOperationId, Schema extends z.ZodType> = Conforms<z.input<Schema>, NeonRequestBody<Op>, "reads">;
/** Query parameters arrive as text; what is compared is what the validator makes of them. */
type QueryReadAsSpecified<Op extends NeonOperationId, Schema extends z.ZodType> = Conforms<z.output<Schema>, NeonQuery<Op>, "reads">;

export type RequestValidatorsAgainstSpec = CheckedAgainstSpec<[
  BodyReadAsSpecified<"createProjectBranch", typeof branches.createBranchBody>,
  BodyReadAsSpecified<"updateProjectBranch", typeof branches.updateBranchBody>,
  QueryReadAsSpecified<"listProjectBranches", typeof branches.listBranchesQuery>,
  BodyReadAsSpecified<"createProjectBranchDataAPI", typeof dataApi.createBody>,
  BodyReadAsSpecified<"updateProjectBranchDataAPI", typeof dataApi.updateBody>,
  BodyReadAsSpecified<"createProjectEndpoint", typeof endpoints.createEndpointBody>,
  BodyReadAsSpecified<"updateProjectEndpoint", typeof endpoints.updateEndpointBody>,
  BodyReadAsSpecified<"transferProjectsFromOrgToOrg", typeof identity.transferBody>,
  BodyReadAsSpecified<"createNeonAuth", typeof neonAuth.enableBody>,
  BodyReadAsSpecified<"disableNeonAuth", typeof neonAuth.disableBody>,
  BodyReadAsSpecified<"addBranchNeonAuthOauthProvider", typeof neonAuth.addOAuthBody>,
  BodyReadAsSpecified<"updateBranchNeonAuthOauthProvider", typeof neonAuth.updateOAuthBody>,
  BodyReadAsSpecified<"addBranchNeonAuthTrustedDomain", typeof neonAuth.addDomainBody>,
  BodyReadAsSpecified<"deleteBranchNeonAuthTrustedDomain", typeof neonAuth.deleteDomainsBody>,
  BodyReadAsSpecified<"updateNeonAuthAllowLocalhost", typeof neonAuth.allowLocalhostBody>,
  QueryReadAsSpecified<"listProjectOperations", typeof operations.listOperationsQuery>,
  BodyReadAsSpecified<"createProject", typeof projects.createProjectBody>,
  BodyReadAsSpecified<"updateProject", typeof projects.updateProjectBody>,
  QueryReadAsSpecified<"listProjects", typeof projects.listProjectsQuery>,
  QueryReadAsSpecified<"getConnectionURI", typeof projects.connectionUriQuery>,
  BodyReadAsSpecified<"createProjectBranchRole", typeof rolesAndDatabases.createRoleBody>,
  BodyReadAsSpecified<"createProjectBranchDatabase", typeof rolesAndDatabases.createDatabaseBody>,
  BodyReadAsSpecified<"updateProjectBranchDatabase", typeof rolesAndDatabases.updateDatabaseBody>,
  QueryReadAsSpecified<"createSnapshot", typeof snapshots.createSnapshotQuery>,
  BodyReadAsSpecified<"updateSnapshot", typeof snapshots.updateSnapshotBody>,
  BodyReadAsSpecified<"restoreSnapshot", typeof snapshots.restoreBody>,
  QueryReadAsSpecified<"restoreSnapshot", typeof snapshots.restoreQuery>,
  BodyReadAsSpecified<"finalizeRestoreBranch", typeof snapshots.finalizeBody>,
]>;
