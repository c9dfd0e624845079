/**
 * Every mutating request is all-or-nothing: if its handler fails, the state is as it was before.
 * Handlers validate before they change anything; this is the guarantee behind that discipline.
 * What is kept aside before the handler runs: the map of projects (so a project added or removed
 * comes back out or in), a deep copy of the project the request's path names, and the rest of the
 * state (the user, organizations and counters, which are small). A handler that changes projects
 * other than the one in its path (an organization transfer) must validate all of them first.
 */
import { dict, reviveProjectDicts, type NeonLocalState } from "./store";

export function runInTransaction<T>(world: { state: NeonLocalState }, projectId: string | undefined, mutates: boolean, fn: () => T): T {
  if (!mutates) return fn();
  const state = world.state;
  const projects = dict(state.projects);
  const touched = projectId !== undefined && state.projects[projectId] ? reviveProjectDicts(structuredClone(state.projects[projectId])) : undefined;
  const rest = structuredClone({ user: state.user, organizations: state.organizations, nextDatabaseId: state.nextDatabaseId });
  try {
    return fn();
  } catch (err) {
    state.projects = projects;
    if (projectId !== undefined && touched) state.projects[projectId] = touched;
    state.user = rest.user;
    state.organizations = dict(rest.organizations);
    state.nextDatabaseId = rest.nextDatabaseId;
    throw err;
  }
}
