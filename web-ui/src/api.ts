// Client for the management API (DESIGN §4.4) and the predict call of the data plane (§4.1).
// The session (access + refresh token, expiry) lives in sessionStorage only: it survives a reload of the tab and
// is gone when the tab closes. A 401 is answered once by refreshing the access token; when that fails too the
// session has ended and every listener hears about it.

const SESSION_KEY = 'kiln.session';

export interface Session {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch millis when the access token stops being accepted. */
  expiresAt: number;
}

export interface ErrorDetail {
  loc: (string | number)[];
  msg: string;
  type?: string;
}

/** An error answer of the API: the one-sentence message of the error body (DESIGN §4.3) and its details. */
export class ApiError extends Error {
  readonly status: number;
  readonly detail: ErrorDetail[];

  constructor(status: number, message: string, detail: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
  }
}

type Listener = (session: Session | null, reason: 'signed-in' | 'refreshed' | 'expired' | 'signed-out') => void;

let current: Session | null = readStored();
let refreshing: Promise<Session | null> | null = null;
const listeners = new Set<Listener>();

function readStored(): Session | null {
  try {
    const text = sessionStorage.getItem(SESSION_KEY);
    if (!text) {
      return null;
    }
    const parsed = JSON.parse(text) as Session;
    return typeof parsed.accessToken === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

function publish(session: Session | null, reason: Parameters<Listener>[1]): void {
  current = session;
  if (session) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  } else {
    sessionStorage.removeItem(SESSION_KEY);
  }
  listeners.forEach((l) => l(session, reason));
}

export function session(): Session | null {
  return current;
}

export function onSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
}

function toSession(answer: TokenAnswer, previousRefresh: string | null): Session {
  if (!answer?.access_token) {
    throw new ApiError(500, 'The sign-in answer carried no access token.');
  }
  const seconds = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 3600;
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token ?? previousRefresh,
    expiresAt: Date.now() + seconds * 1000,
  };
}

async function send(method: string, path: string, token: string | null, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'The control plane cannot be reached. Is Kiln running?');
  }
}

async function parse(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function errorFrom(status: number, json: unknown): ApiError {
  const body = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const detail = Array.isArray(body.detail) ? (body.detail as ErrorDetail[]) : [];
  const message = typeof body.message === 'string' && body.message ? body.message : fallbackMessage(status);
  return new ApiError(status, message, detail);
}

function fallbackMessage(status: number): string {
  switch (status) {
    case 401:
      return 'Not signed in.';
    case 403:
      return 'You do not have access to this.';
    case 404:
      return 'Not found.';
    case 413:
      return 'The file is too large.';
    case 429:
      return 'Too many requests; try again in a moment.';
    case 503:
      return 'The service is not ready yet; try again in a moment.';
    default:
      return `The control plane answered ${status}.`;
  }
}

/** Trades the refresh token for a new access token, once at a time; null when the session cannot go on. */
export function refreshSession(): Promise<Session | null> {
  const refreshToken = current?.refreshToken;
  if (!refreshToken) {
    return Promise.resolve(null);
  }
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const response = await send('POST', '/api/v1/auth/refresh', null, { refresh_token: refreshToken });
        if (!response.ok) {
          return null;
        }
        const next = toSession((await parse(response)) as TokenAnswer, refreshToken);
        publish(next, 'refreshed');
        return next;
      } catch {
        return null;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

/** A management API call with the session's token; a 401 refreshes once, then ends the session. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response = await send(method, path, current?.accessToken ?? null, body);
  if (response.status === 401 && current) {
    const renewed = await refreshSession();
    if (renewed) {
      response = await send(method, path, renewed.accessToken, body);
    }
    if (response.status === 401) {
      publish(null, 'expired');
    }
  }
  const json = await parse(response);
  if (!response.ok) {
    throw errorFrom(response.status, json);
  }
  return json as T;
}

export async function login(username: string, password: string): Promise<Session> {
  const response = await send('POST', '/api/v1/auth/login', null, { username, password });
  const json = await parse(response);
  if (response.status === 401 || response.status === 403) {
    throw new ApiError(response.status, 'Wrong email or password.');
  }
  if (!response.ok) {
    throw errorFrom(response.status, json);
  }
  const next = toSession(json as TokenAnswer, null);
  publish(next, 'signed-in');
  return next;
}

/** Ends the session because it expired (the access token ran out and could not be renewed). */
export function expireSession(): void {
  if (current) {
    publish(null, 'expired');
  }
}

export async function logout(): Promise<void> {
  const refreshToken = current?.refreshToken;
  publish(null, 'signed-out');
  if (refreshToken) {
    try {
      await send('POST', '/api/v1/auth/logout', null, { refresh_token: refreshToken });
    } catch {
      // Signing out locally is what matters; the refresh token expires on its own.
    }
  }
}

/** Lists come as a JSON array; a paged object with items/content/data is accepted too. */
export function asList<T>(json: unknown): T[] {
  if (Array.isArray(json)) {
    return json as T[];
  }
  if (json && typeof json === 'object') {
    for (const key of ['items', 'content', 'data']) {
      const value = (json as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        return value as T[];
      }
    }
  }
  return [];
}

const enc = encodeURIComponent;

// ---- Resources --------------------------------------------------------------------------------------------

export type Role = 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER';

export interface Me {
  id: string;
  email: string;
  displayName: string | null;
  operator: boolean;
  /** Set for a temporary password: every other call answers 403 until the password is changed. */
  mustChangePassword?: boolean;
  memberships: { organizationId: string; organizationName: string; role: Role }[];
}

export interface Organization {
  id: string;
  name: string;
  role?: Role;
  createdAt?: string;
}

export interface Project {
  id: string;
  organizationId: string;
  name: string;
  defaultRateLimitPerSecond?: number | null;
  createdAt?: string;
  /** Browser origins whose pages may call the project's deployments (CORS on the data plane). */
  allowedOrigins?: string[];
}

export interface Member {
  userId: string;
  organizationId: string;
  email: string;
  displayName: string | null;
  role: Role;
  createdAt: string;
}

export interface ModelVersion {
  id: string;
  modelId: string;
  versionTag: string;
  sha256: string;
  sizeBytes: number;
  descriptor?: { task?: string } & Record<string, unknown>;
  createdAt: string;
}

export interface Model {
  id: string;
  projectId: string;
  name: string;
  task: string;
  description: string | null;
  createdAt: string;
  versions: ModelVersion[];
}

export interface DeploymentSettings {
  name: string;
  modelVersionId: string;
  instances: number;
  resourceType: string;
  gpuType: string | null;
  gpusPerInstance: number;
  region: string | null;
  evaluationStrategy: string;
  evaluationThreshold: number;
  maxBatchSize: number;
  maxQueueDelayMs: number;
  maxQueue: number;
  timeoutMs: number;
  rateLimitPerSecond: number | null;
}

export interface TrafficSplit {
  modelVersionId: string;
  weight: number;
  shadow: boolean;
}

export interface VersionFigures {
  modelVersionId: string;
  versionTag: string | null;
  weight: number;
  shadow: boolean;
  requests: number;
  requestRatePerSecond: number;
  errorRate: number;
  latencyP95Ms: number | null;
}

export interface HistoryEntry {
  generation: number;
  action: 'create' | 'update' | 'rollback' | 'promote';
  actor: string;
  createdAt: string;
  settings: Record<string, unknown>;
}

/** A data-capture group of a deployment (DESIGN §7). */
export interface CaptureGroup {
  name: string;
  mode: 'flagged' | 'sample' | 'all';
  rate?: number | null;
  retentionDays?: number | null;
}

/** One captured prediction: the image is at {@link captureImagePath}. */
export interface Capture {
  id: string;
  deploymentId: string;
  modelVersionId: string;
  groups: string[];
  flagged: boolean;
  score: number;
  keyPrefix: string | null;
  classNames: string[];
  contentType: string;
  sizeBytes: number;
  width: number;
  height: number;
  capturedAt: string;
  expiresAt: string;
  predictions: import('./lib/annotations').Prediction[];
}

export interface Deployment extends DeploymentSettings {
  id: string;
  traffic?: TrafficSplit[];
  captureGroups?: CaptureGroup[];
  projectId: string;
  versionTag: string | null;
  status: string;
  statusReason: string | null;
  readyInstances: number;
  generation: number;
  createdAt: string;
  updatedAt: string;
}

export type DeploymentRequest = Partial<Omit<DeploymentSettings, 'gpuType' | 'region'>> & {
  gpuType?: string;
  region?: string;
  modelId?: string;
  versionTag?: string;
  traffic?: TrafficSplit[];
};

export interface Instance {
  id: string;
  deploymentId: string;
  generation: number;
  nodeId: string | null;
  nodeAddress: string | null;
  gpuIndices: number[];
  status: string;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  modelVersionId?: string;
  versionTag?: string;
  shadow?: boolean;
}

export type Point = [number, number | null];

export interface DeploymentStats {
  from: string;
  to: string;
  step: number;
  uptimeSeconds: number | null;
  availability: number | null;
  series: Partial<
    Record<
      | 'requests'
      | 'errors4xx'
      | 'errors5xx'
      | 'latencyP50Ms'
      | 'latencyP95Ms'
      | 'latencyP99Ms'
      | 'concurrency'
      | 'cpuPercent'
      | 'memoryBytes'
      | 'gpuUtilPercent'
      | 'gpuMemoryBytes'
      | 'instances'
      /** The part of `requests` sent from the Evaluation tab. */
      | 'evaluations',
      Point[]
    >
  >;
}

export interface DeploymentSummary {
  deploymentId: string;
  requests: number;
  requestRatePerSecond: number;
  errorRate: number | null;
  latencyP95Ms: number | null;
  sparkline: Point[];
}

export interface ProjectSummary {
  from: string;
  to: string;
  deployments: DeploymentSummary[];
}

export interface LogEntry {
  id: string | number;
  deploymentId: string;
  at: string;
  level: 'INFO' | 'WARN' | 'ERROR';
  kind: string;
  message: string;
  instanceId: string | null;
  nodeId: string | null;
}

export interface Page<T> {
  page: number;
  pageSize: number;
  hasMore: boolean;
  items: T[];
}

export interface AuditEntry {
  id: number;
  organizationId: string | null;
  projectId: string | null;
  actorUserId: string | null;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
  remoteAddress: string | null;
  createdAt: string;
}

export type SnippetLanguage = 'curl' | 'python' | 'javascript' | 'node' | 'java' | 'go' | 'r' | 'ruby' | 'c';

/** Each language sends a local file as base64; `urlVariants` has the same programs sending an image URL instead. */
export type Snippets = { predictUrl: string; urlVariants?: Partial<Record<SnippetLanguage, string>> } & Partial<Record<SnippetLanguage, string>>;

export interface ProjectKey {
  id: string;
  projectId: string;
  name: string;
  prefix: string;
  secret?: string;
  deploymentIds: string[] | null;
  expiresAt: string | null;
  rateLimitPerSecond: number | null;
  createdAt: string;
  createdByEmail: string | null;
  lastUsedAt: string | null;
  rotatedAt: string | null;
  previousValidUntil: string | null;
  status: 'ACTIVE' | 'ROTATING' | 'EXPIRED' | 'REVOKED' | string;
}

export interface NodeGpu {
  index: number;
  name: string;
  memoryBytes: number;
  uuid: string | null;
  instanceId: string | null;
}

export interface FleetNode {
  id: string;
  name: string;
  address: string;
  state: string;
  region: string | null;
  labels: Record<string, string>;
  cpuCores: number;
  memoryBytes: number;
  version: string | null;
  cpuPercent: number | null;
  usedMemoryBytes: number | null;
  registeredAt: string;
  lastHeartbeatAt: string;
  instances: number;
  gpus: NodeGpu[];
}

export interface GpuType {
  id: string;
  name: string;
  memoryBytes: number;
  createdAt: string;
}

export type Delivery = 'email' | 'none';

export interface Invitation {
  id: string;
  organizationId: string;
  organizationName: string;
  email: string;
  role: Role;
  status: string;
  expiresAt: string;
  createdAt: string;
  delivery?: Delivery;
}

export interface InvitationPreview {
  organizationName: string;
  email: string;
  role: Role;
  expiresAt: string;
  accountExists: boolean;
}

export interface User {
  id: string;
  email: string;
  operator: boolean;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

/** The answer to an operator's reset: the temporary password when no mail can carry it, shown once. */
export type PasswordReset = { delivery: 'none'; temporaryPassword: string } | { delivery: 'email' };

export interface ServiceAccount {
  id: string;
  organizationId: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface ServiceToken {
  id: string;
  name: string;
  prefix: string;
  /** Only in the answer that creates the token. */
  token?: string;
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt?: string | null;
}

export type QuotaName = 'instances' | 'gpus' | 'deployments' | 'keys' | 'modelStorageBytes';

export interface Quota {
  name: QuotaName;
  limit: number | null;
  used: number;
  unit: string;
}

export interface Quotas {
  organizationId: string;
  quotas: Quota[];
}

const orgPath = (orgId: string, rest: string) => `/api/v1/organizations/${enc(orgId)}/${rest}`;

/** The calls of the people features (issue 13) and of quotas (issue 14). */
export const people = {
  changePassword: (currentPassword: string, newPassword: string) =>
    api<void>('POST', '/api/v1/me/password', { currentPassword, newPassword }),
  invite: (orgId: string, email: string, role: Role) =>
    api<Invitation>('POST', orgPath(orgId, 'invitations'), { email, role }),
  invitations: async (orgId: string) => asList<Invitation>(await api('GET', orgPath(orgId, 'invitations'))),
  revokeInvitation: (orgId: string, id: string) => api<void>('DELETE', orgPath(orgId, `invitations/${enc(id)}`)),
  myInvitations: async () => asList<Invitation>(await api('GET', '/api/v1/me/invitations')),
  acceptMine: (id: string) => api<unknown>('POST', `/api/v1/me/invitations/${enc(id)}/accept`),
  declineMine: (id: string) => api<void>('POST', `/api/v1/me/invitations/${enc(id)}/decline`),
  previewInvitation: (token: string) => api<InvitationPreview>('POST', '/api/v1/invitations/preview', { token }),
  acceptInvitation: (token: string, password?: string) =>
    api<unknown>('POST', '/api/v1/invitations/accept', password === undefined ? { token } : { token, password }),
  acceptReset: (token: string, newPassword: string) =>
    api<void>('POST', '/api/v1/password-resets/accept', { token, newPassword }),
  users: async () => asList<User>(await api('GET', '/api/v1/users')),
  createUser: (email: string, temporaryPassword: string) =>
    api<User>('POST', '/api/v1/users', { email, temporaryPassword }),
  userAction: (id: string, action: 'disable' | 'enable') => api<User>('POST', `/api/v1/users/${enc(id)}/${action}`),
  resetPassword: (id: string) => api<PasswordReset>('POST', `/api/v1/users/${enc(id)}/reset-password`),
  serviceAccounts: async (orgId: string) =>
    asList<ServiceAccount>(await api('GET', orgPath(orgId, 'service-accounts'))),
  createServiceAccount: (orgId: string, name: string, role: Role) =>
    api<ServiceAccount>('POST', orgPath(orgId, 'service-accounts'), { name, role }),
  deleteServiceAccount: (orgId: string, id: string) =>
    api<void>('DELETE', orgPath(orgId, `service-accounts/${enc(id)}`)),
  tokens: async (orgId: string, accountId: string) =>
    asList<ServiceToken>(await api('GET', orgPath(orgId, `service-accounts/${enc(accountId)}/tokens`))),
  createToken: (orgId: string, accountId: string, name: string, expiresAt?: string) =>
    api<ServiceToken>('POST', orgPath(orgId, `service-accounts/${enc(accountId)}/tokens`), expiresAt ? { name, expiresAt } : { name }),
  revokeToken: (orgId: string, accountId: string, tokenId: string) =>
    api<void>('DELETE', orgPath(orgId, `service-accounts/${enc(accountId)}/tokens/${enc(tokenId)}`)),
  quotas: (orgId: string) => api<Quotas>('GET', orgPath(orgId, 'quotas')),
  setQuotas: (orgId: string, limits: Partial<Record<QuotaName, number>>) =>
    api<Quotas>('PATCH', orgPath(orgId, 'quotas'), limits),
};

/** A binary management API call (a captured image, an export) with the session's token; a 401 refreshes once. */
export async function apiBlob(path: string): Promise<Blob> {
  const get = (token: string | null) => fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  let response = await get(current?.accessToken ?? null);
  if (response.status === 401 && current) {
    const renewed = await refreshSession();
    if (renewed) {
      response = await get(renewed.accessToken);
    }
  }
  if (!response.ok) {
    throw errorFrom(response.status, await parse(response));
  }
  return response.blob();
}

export const client = {
  me: () => api<Me>('GET', '/api/v1/me'),
  organizations: async () => asList<Organization>(await api('GET', '/api/v1/organizations')),
  projects: async (orgId: string) => asList<Project>(await api('GET', `/api/v1/organizations/${enc(orgId)}/projects`)),
  createProject: (orgId: string, name: string) =>
    api<Project>('POST', `/api/v1/organizations/${enc(orgId)}/projects`, { name }),
  setAllowedOrigins: (projectId: string, allowedOrigins: string[]) =>
    api<Project>('PATCH', `/api/v1/projects/${enc(projectId)}`, { allowedOrigins }),
  members: async (orgId: string) => asList<Member>(await api('GET', `/api/v1/organizations/${enc(orgId)}/members`)),
  changeMember: (orgId: string, userId: string, role: Role) =>
    api<Member>('PATCH', `/api/v1/organizations/${enc(orgId)}/members/${enc(userId)}`, { role }),
  removeMember: (orgId: string, userId: string) =>
    api<void>('DELETE', `/api/v1/organizations/${enc(orgId)}/members/${enc(userId)}`),
  models: async (projectId: string) => asList<Model>(await api('GET', `/api/v1/projects/${enc(projectId)}/models`)),
  model: (id: string) => api<Model>('GET', `/api/v1/models/${enc(id)}`),
  modelVersion: (id: string) => api<ModelVersion>('GET', `/api/v1/model-versions/${enc(id)}`),
  createModel: (projectId: string, name: string) =>
    api<Model>('POST', `/api/v1/projects/${enc(projectId)}/models`, { name }),
  deployments: async (projectId: string) =>
    asList<Deployment>(await api('GET', `/api/v1/projects/${enc(projectId)}/deployments`)),
  deployment: (id: string) => api<Deployment>('GET', `/api/v1/deployments/${enc(id)}`),
  createDeployment: (projectId: string, body: DeploymentRequest) =>
    api<Deployment>('POST', `/api/v1/projects/${enc(projectId)}/deployments`, body),
  updateDeployment: (id: string, body: DeploymentRequest) =>
    api<Deployment>('PATCH', `/api/v1/deployments/${enc(id)}`, body),
  deleteDeployment: (id: string, confirm: string) =>
    api<Deployment>('DELETE', `/api/v1/deployments/${enc(id)}?confirm=${enc(confirm)}`),
  instances: async (id: string) => asList<Instance>(await api('GET', `/api/v1/deployments/${enc(id)}/instances`)),
  stats: (id: string, from: Date, to: Date, step: number) =>
    api<DeploymentStats>(
      'GET',
      `/api/v1/deployments/${enc(id)}/stats?from=${enc(from.toISOString())}&to=${enc(to.toISOString())}&step=${step}`,
    ),
  summary: (projectId: string, minutes: number) =>
    api<ProjectSummary>('GET', `/api/v1/projects/${enc(projectId)}/stats/summary?minutes=${minutes}`),
  versionStats: (id: string, minutes: number) =>
    api<{ from: string; to: string; versions: VersionFigures[] }>(
      'GET',
      `/api/v1/deployments/${enc(id)}/stats/versions?minutes=${minutes}`,
    ),
  history: async (id: string) => asList<HistoryEntry>(await api('GET', `/api/v1/deployments/${enc(id)}/history`)),
  rollback: (id: string, generation: number) =>
    api<Deployment>('POST', `/api/v1/deployments/${enc(id)}/rollback`, { generation }),
  promote: (id: string, modelVersionId: string) =>
    api<Deployment>('POST', `/api/v1/deployments/${enc(id)}/promote`, { modelVersionId }),
  snippets: (id: string) => api<Snippets>('GET', `/api/v1/deployments/${enc(id)}/snippets`),
  logs: (id: string, page: number, pageSize: number) =>
    api<Page<LogEntry>>('GET', `/api/v1/deployments/${enc(id)}/logs?page=${page}&pageSize=${pageSize}`),
  keys: async (projectId: string) => asList<ProjectKey>(await api('GET', `/api/v1/projects/${enc(projectId)}/keys`)),
  createKey: (
    projectId: string,
    body: { name: string; deploymentIds?: string[]; expiresAt?: string; rateLimitPerSecond?: number },
  ) => api<ProjectKey>('POST', `/api/v1/projects/${enc(projectId)}/keys`, body),
  rotateKey: (keyId: string, graceSeconds: number) =>
    api<ProjectKey>('POST', `/api/v1/keys/${enc(keyId)}/rotate`, { graceSeconds }),
  revokeKey: (keyId: string) => api<void>('DELETE', `/api/v1/keys/${enc(keyId)}`),
  audit: (organizationId: string, projectId: string | null, page: number) =>
    api<Page<AuditEntry>>(
      'GET',
      `/api/v1/audit?organizationId=${enc(organizationId)}${projectId ? `&projectId=${enc(projectId)}` : ''}&page=${page}`,
    ),
  nodes: async () => asList<FleetNode>(await api('GET', '/api/v1/nodes')),
  nodeAction: (nodeId: string, action: 'cordon' | 'uncordon' | 'drain') =>
    api<FleetNode>('POST', `/api/v1/nodes/${enc(nodeId)}/${action}`),
  gpuTypes: async () => asList<GpuType>(await api('GET', '/api/v1/gpu-types')),
  captures: (id: string, query: string) =>
    api<Page<Capture> & { total: number }>('GET', `/api/v1/deployments/${enc(id)}/captures?${query}`),
  captureImage: (id: string, captureId: string) =>
    apiBlob(`/api/v1/deployments/${enc(id)}/captures/${enc(captureId)}/image`),
  exportCaptures: (id: string, query: string) =>
    apiBlob(`/api/v1/deployments/${enc(id)}/captures/export?format=coco&${query}`),
  deleteCapture: (id: string, captureId: string) =>
    api<void>('DELETE', `/api/v1/deployments/${enc(id)}/captures/${enc(captureId)}`),
  createGpuType: (name: string, memoryBytes: number) => api<GpuType>('POST', '/api/v1/gpu-types', { name, memoryBytes }),
};

/**
 * Uploads an ONNX file as a new version of a model with XMLHttpRequest, because fetch cannot report upload
 * progress. {@code onProgress} gets 0..1. An expired access token is refreshed once, as for every other call.
 */
export function uploadModelVersion(
  modelId: string,
  file: File,
  versionTag: string,
  onProgress: (fraction: number) => void,
): Promise<ModelVersion> {
  const attempt = (token: string | null) =>
    new Promise<{ status: number; json: unknown }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/v1/models/${enc(modelId)}/versions`);
      xhr.setRequestHeader('Accept', 'application/json');
      if (token) {
        xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      }
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) {
          onProgress(e.loaded / e.total);
        }
      };
      xhr.onload = () => {
        let json: unknown = null;
        try {
          json = xhr.responseText ? JSON.parse(xhr.responseText) : null;
        } catch {
          json = xhr.responseText;
        }
        resolve({ status: xhr.status, json });
      };
      xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted. Check the connection and try again.'));
      const form = new FormData();
      form.append('file', file, file.name);
      if (versionTag.trim()) {
        form.append('versionTag', versionTag.trim());
      }
      xhr.send(form);
    });
  return (async () => {
    let answer = await attempt(current?.accessToken ?? null);
    if (answer.status === 401 && current) {
      const renewed = await refreshSession();
      if (renewed) {
        onProgress(0);
        answer = await attempt(renewed.accessToken);
      }
      if (answer.status === 401) {
        publish(null, 'expired');
      }
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw errorFrom(answer.status, answer.json);
    }
    onProgress(1);
    return answer.json as ModelVersion;
  })();
}

export interface PredictRoutine {
  name: string;
  args?: Record<string, unknown>;
}

/**
 * POST /api/v1/deployments/{id}/evaluate: the predict body and answer, authorized by the session (MEMBER+) instead of
 * a project key, and counted as evaluation traffic in the deployment's stats.
 */
export function evaluate(deploymentId: string, base64: string, routines: PredictRoutine[]): Promise<unknown> {
  return api<unknown>('POST', `/api/v1/deployments/${enc(deploymentId)}/evaluate`, { image_type: 'base64', data: base64, routines });
}
