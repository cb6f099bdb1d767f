import { createContext, useContext } from 'react';
import type { Me, Organization, Project, Role } from './api';

export interface Workspace {
  me: Me;
  organization: Organization | null;
  project: Project | null;
  role: Role | null;
  /** ADMIN or OWNER of the current organization: may manage keys and members. */
  isAdmin: boolean;
  /** MEMBER and up: may manage models and deployments. */
  canWrite: boolean;
  reloadProjects: () => void;
}

export const WorkspaceContext = createContext<Workspace | null>(null);

export function useWorkspace(): Workspace {
  const value = useContext(WorkspaceContext);
  if (!value) {
    throw new Error('useWorkspace outside the signed-in shell');
  }
  return value;
}

export function roleAtLeast(role: Role | null, minimum: Role): boolean {
  const order: Role[] = ['VIEWER', 'MEMBER', 'ADMIN', 'OWNER'];
  return role !== null && order.indexOf(role) >= order.indexOf(minimum);
}
