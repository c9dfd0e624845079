import assert from "node:assert/strict";
import { branchScopeChanged, branchScopedId, withBranchScope } from "../../provider/resources/common/branchScope";
import { unknownValue } from "../../provider/resources/common/unknown";

describe("branch scope of branch-scoped resources (Neon Auth, Data API)", () => {
  const onDefault = branchScopedId("p-1", undefined, "neondb");
  const onStaging = branchScopedId("p-1", "br-staging-1", "neondb");

  it("records the default branch as `default` in the id, so restores do not change it", () => {
    assert.equal(onDefault, "p-1/default/neondb");
    assert.equal(onStaging, "p-1/br-staging-1/neondb");
  });

  it("sees no change while the program asks for the branch the resource was created on", () => {
    assert.equal(branchScopeChanged(onDefault, {}, { branchId: "br-main-1" }), false);
    assert.equal(branchScopeChanged(onStaging, { branchId: "br-staging-1" }, { branchId: "br-staging-1" }), false);
    assert.equal(branchScopeChanged(onDefault, { branchId: "br-main-1" }, { branchId: "br-main-1" }), false, "pinning the branch it is on");
  });

  it("treats dropping, adding or changing branchId as another branch, and an unknown one as possibly another", () => {
    const staging = { branchId: "br-staging-1" };
    assert.equal(branchScopeChanged(onStaging, {}, staging), true, "declared → default branch");
    assert.equal(branchScopeChanged(onDefault, { branchId: "br-staging-1" }, { branchId: "br-main-1" }), true, "default branch → another declared one");
    assert.equal(branchScopeChanged(onStaging, { branchId: "br-other-2" }, staging), true);
    assert.equal(branchScopeChanged(onStaging, { branchId: unknownValue }, staging), true);
  });

  it("turns a change of branch into a replacement of the resource, never an update", () => {
    const outcome = withBranchScope(onStaging, { changes: true, replaces: [], changed: ["trustedDomains"] }, { trustedDomains: ["https://a"] }, { branchId: "br-staging-1" });
    assert.deepEqual(outcome, { changes: true, replaces: ["branchId"], changed: ["trustedDomains", "branchId"] });
    const same = { changes: false, replaces: [], changed: [] };
    assert.equal(withBranchScope(onDefault, same, {}, { branchId: "br-main-1" }), same);
  });
});
