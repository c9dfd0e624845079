/**
 * One resource of each type that creates a Neon object: the project first; then a branch, a
 * snapshot and Neon Auth side by side; then a compute on the branch and the Data API (after Neon
 * Auth, whose JWTs it uses).
 */
import * as pulumi from "@pulumi/pulumi";
import { AuthIntegration, Branch, DataApi, Endpoint, NeonProject, Snapshot } from "neon-pulumi-dynamic";

export = async () => {
  const project = new NeonProject("project", { name: pulumi.getStack() });
  const projectId = project.projectId;
  const branch = new Branch("preview", { projectId, name: "preview-1" });
  new Snapshot("checkpoint", { projectId, name: "baseline" });
  const auth = new AuthIntegration("auth", { projectId, trustedDomains: ["https://app.example.com"] });
  const compute = new Endpoint("compute", { projectId, branchId: branch.branchId, type: "read_write" });
  const dataApi = new DataApi("data-api", { projectId }, { dependsOn: [auth] });
  return { projectId, host: compute.host, dataApiUrl: dataApi.url, connectionUri: project.connectionUri };
};
