/** The route table of the local Neon API, one module per API area. */
import { branchRoutes } from "./branches";
import { dataApiRoutes } from "./dataApi";
import { endpointRoutes } from "./endpoints";
import { identityRoutes } from "./identity";
import { neonAuthRoutes } from "./neonAuth";
import { operationRoutes } from "./operations";
import { projectRoutes } from "./projects";
import { roleAndDatabaseRoutes } from "./rolesAndDatabases";
import { snapshotRoutes } from "./snapshots";
import type { RouteDefinition } from "./types";

export const routes: readonly RouteDefinition[] = [
  ...identityRoutes,
  ...projectRoutes,
  ...branchRoutes,
  ...roleAndDatabaseRoutes,
  ...endpointRoutes,
  ...operationRoutes,
  ...snapshotRoutes,
  ...neonAuthRoutes,
  ...dataApiRoutes,
];

export type { RouteDefinition } from "./types";
