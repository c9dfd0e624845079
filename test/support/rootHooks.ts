// Root hooks shared by every spec file (mocha --require). Kept deliberately small.
export const mochaHooks = {};
