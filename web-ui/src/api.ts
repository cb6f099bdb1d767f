// Thin client for the management API (DESIGN §4.4). The access token lives in sessionStorage only:
// it survives a reload of the tab and is gone when the tab closes.

const TOKEN_KEY = 'kiln.accessToken';

export interface Organization {
  id: string;
  name: string;
}

export interface Project {
  id: string;
  organizationId?: string;
  name: string;
}

export interface Deployment {
  id: string;
  projectId?: string;
  name: string;
  status: string;
  statusReason?: string | null;
  instances?: number;
  readyInstances?: number;
  versionTag?: string | null;
}

/** An error answer of the API, carrying the one-sentence message of the error body (DESIGN §4.3). */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

async function request<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The control plane cannot be reached. Is Kiln running?');
  }
  const text = await response.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) {
    throw new ApiError(response.status, errorMessage(response.status, json));
  }
  return json as T;
}

function errorMessage(status: number, json: unknown): string {
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string' && json.message) {
    return json.message;
  }
  if (status === 401) {
    return 'Not signed in.';
  }
  if (status === 403) {
    return 'You do not have access to this.';
  }
  if (status === 404) {
    return 'Not found.';
  }
  return `The control plane answered ${status}.`;
}

/** Lists come as a JSON array; a paged object with items/content/data is accepted too. */
function asList<T>(json: unknown): T[] {
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

export async function login(username: string, password: string): Promise<string> {
  try {
    const answer = await request<{ access_token?: string }>('POST', '/api/v1/auth/login', null, { username, password });
    if (!answer?.access_token) {
      throw new ApiError(500, 'The login answer carried no access token.');
    }
    return answer.access_token;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      throw new ApiError(e.status, 'Wrong email or password.');
    }
    throw e;
  }
}

export async function organizations(token: string): Promise<Organization[]> {
  return asList<Organization>(await request('GET', '/api/v1/organizations', token));
}

export async function projects(token: string, organizationId: string): Promise<Project[]> {
  const path = `/api/v1/organizations/${encodeURIComponent(organizationId)}/projects`;
  return asList<Project>(await request('GET', path, token));
}

export async function deployments(token: string, projectId: string): Promise<Deployment[]> {
  const path = `/api/v1/projects/${encodeURIComponent(projectId)}/deployments`;
  return asList<Deployment>(await request('GET', path, token));
}
