/**
 * Each response schema of the client, checked at compile time against the answer Neon's spec
 * gives for the operation the client reads it from (`spec/types`). The schemas stay hand-written
 * because they carry behaviour (lenient where Neon adds values, strict where the resources rely on
 * a field); their field names and which fields they require must be the spec's, and this file is
 * where that is enforced: a field renamed in the spec, or one the client requires that the spec
 * makes optional, fails the build here, naming the field.
 *
 * `test/client/specConformance.test.ts` checks that every exported response schema is listed.
 * Types only: nothing here runs.
 */
import type { z } from "zod";
import type { CheckedAgainstSpec, Conforms, NeonOperationId, NeonSuccessBody } from "../../../spec/types";
import type * as branches from "./branches";
import type * as common from "./common";
import type * as dataApi from "./dataApi";
import type * as endpoints from "./endpoints";
import type * as identity from "./identity";
import type * as neonAuth from "./neonAuth";
import type * as projects from "./projects";
import type * as snapshots from "./snapshots";

type Answers<Op extends NeonOperationId, Schema extends z.ZodType> = Conforms<z.input<Schema>, NeonSuccessBody<Op>, "reads">;

export type ClientSchemasAgainstSpec = CheckedAgainstSpec<[
  Answers<"listProjects", typeof projects.listProjectsResponseSchema>,
  Answers<"createProject", typeof projects.createdProjectSchema>,
  Answers<"getProject", typeof projects.projectResponseSchema>,
  Answers<"updateProject", typeof projects.projectOperationsSchema>,
  Answers<"deleteProject", typeof projects.projectResponseSchema>,
  Answers<"getConnectionURI", typeof projects.connectionUriResponseSchema>,

  Answers<"listProjectBranches", typeof branches.listBranchesResponseSchema>,
  Answers<"createProjectBranch", typeof branches.createdBranchSchema>,
  Answers<"getProjectBranch", typeof branches.branchResponseSchema>,
  Answers<"updateProjectBranch", typeof branches.branchOperationsSchema>,
  Answers<"deleteProjectBranch", typeof branches.branchOperationsSchema>,
  Answers<"setDefaultProjectBranch", typeof branches.branchOperationsSchema>,
  Answers<"listProjectBranchEndpoints", typeof endpoints.endpointsResponseSchema>,
  Answers<"listProjectBranchRoles", typeof branches.rolesResponseSchema>,
  Answers<"getProjectBranchRole", typeof branches.roleResponseSchema>,
  Answers<"createProjectBranchRole", typeof branches.roleOperationsSchema>,
  Answers<"deleteProjectBranchRole", typeof branches.roleOperationsSchema>,
  Answers<"getProjectBranchRolePassword", typeof branches.rolePasswordResponseSchema>,
  Answers<"resetProjectBranchRolePassword", typeof branches.roleOperationsSchema>,
  Answers<"listProjectBranchDatabases", typeof branches.databasesResponseSchema>,
  Answers<"getProjectBranchDatabase", typeof branches.databaseResponseSchema>,
  Answers<"createProjectBranchDatabase", typeof branches.databaseOperationsSchema>,
  Answers<"updateProjectBranchDatabase", typeof branches.databaseOperationsSchema>,
  Answers<"deleteProjectBranchDatabase", typeof branches.databaseOperationsSchema>,

  Answers<"listProjectEndpoints", typeof endpoints.endpointsResponseSchema>,
  Answers<"getProjectEndpoint", typeof endpoints.endpointResponseSchema>,
  Answers<"createProjectEndpoint", typeof endpoints.endpointOperationsSchema>,
  Answers<"updateProjectEndpoint", typeof endpoints.endpointOperationsSchema>,
  Answers<"deleteProjectEndpoint", typeof endpoints.endpointOperationsSchema>,
  Answers<"startProjectEndpoint", typeof endpoints.endpointOperationsSchema>,
  Answers<"suspendProjectEndpoint", typeof endpoints.endpointOperationsSchema>,
  Answers<"restartProjectEndpoint", typeof endpoints.endpointOperationsSchema>,

  Answers<"createSnapshot", typeof snapshots.snapshotOperationsSchema>,
  Answers<"listSnapshots", typeof snapshots.snapshotsResponseSchema>,
  Answers<"updateSnapshot", typeof snapshots.snapshotResponseSchema>,
  Answers<"deleteSnapshot", typeof common.operationsResponseSchema>,
  Answers<"restoreSnapshot", typeof snapshots.restoredSnapshotSchema>,
  Answers<"finalizeRestoreBranch", typeof common.operationsResponseSchema>,

  Answers<"getProjectOperation", typeof common.operationResponseSchema>,
  Answers<"listProjectOperations", typeof common.listOperationsResponseSchema>,

  Answers<"getNeonAuth", typeof neonAuth.neonAuthIntegrationSchema>,
  Answers<"createNeonAuth", typeof neonAuth.neonAuthCreatedSchema>,
  Answers<"listBranchNeonAuthOauthProviders", typeof neonAuth.oauthProvidersResponseSchema>,
  Answers<"addBranchNeonAuthOauthProvider", typeof neonAuth.oauthProviderSchema>,
  Answers<"updateBranchNeonAuthOauthProvider", typeof neonAuth.oauthProviderSchema>,
  Answers<"listBranchNeonAuthTrustedDomains", typeof neonAuth.trustedDomainsResponseSchema>,
  Answers<"getNeonAuthAllowLocalhost", typeof neonAuth.allowLocalhostSchema>,
  Answers<"updateNeonAuthAllowLocalhost", typeof neonAuth.allowLocalhostSchema>,

  Answers<"createProjectBranchDataAPI", typeof dataApi.dataApiCreatedSchema>,
  Answers<"getProjectBranchDataAPI", typeof dataApi.dataApiSchema>,

  Answers<"getAuthDetails", typeof identity.authDetailsSchema>,
  Answers<"getCurrentUserInfo", typeof identity.currentUserSchema>,
  Answers<"getCurrentUserOrganizations", typeof identity.organizationsResponseSchema>,
  Answers<"getOrganization", typeof identity.organizationSchema>,
]>;
