import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  ApiError,
  deployments,
  login,
  organizations,
  projects,
  storedToken,
  storeToken,
  type Deployment,
  type Organization,
  type Project,
} from './api';

const REFRESH_MS = 5000;

export function App() {
  const [token, setToken] = useState<string | null>(() => storedToken());
  const [notice, setNotice] = useState<string | null>(null);

  const signIn = (newToken: string) => {
    storeToken(newToken);
    setNotice(null);
    setToken(newToken);
  };

  const signOut = (why: string | null) => {
    storeToken(null);
    setNotice(why);
    setToken(null);
  };

  return (
    <div className="page">
      <header className="topbar">
        <span className="brand">Kiln</span>
        {token && (
          <button type="button" className="secondary" onClick={() => signOut(null)}>
            Sign out
          </button>
        )}
      </header>
      <main>
        {token ? (
          <Overview token={token} onSessionExpired={() => signOut('Your session has ended. Sign in again.')} />
        ) : (
          <LoginForm notice={notice} onSignedIn={signIn} />
        )}
      </main>
    </div>
  );
}

function LoginForm({ notice, onSignedIn }: { notice: string | null; onSignedIn: (token: string) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await login(email.trim(), password));
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Sign-in failed.');
      setBusy(false);
    }
  };

  return (
    <form className="card login" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">Sign in to Kiln</h1>
      {notice && <p className="notice" role="status">{notice}</p>}
      <label htmlFor="login-email">Email</label>
      <input
        id="login-email"
        name="username"
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <label htmlFor="login-password">Password</label>
      <input
        id="login-password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      <p className="hint">
        <code>./kiln up</code> prints the login on start.
      </p>
    </form>
  );
}

interface ProjectView {
  project: Project;
  deployments: Deployment[];
  error: string | null;
}

interface OrganizationView {
  organization: Organization;
  projects: ProjectView[];
  error: string | null;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : 'Something went wrong.';
}

/** Loads organizations → projects → deployments; a 401 anywhere ends the session. */
async function loadOverview(token: string): Promise<OrganizationView[]> {
  const orgs = await organizations(token);
  return Promise.all(
    orgs.map(async (organization): Promise<OrganizationView> => {
      try {
        const projectList = await projects(token, organization.id);
        const projectViews = await Promise.all(
          projectList.map(async (project): Promise<ProjectView> => {
            try {
              return { project, deployments: await deployments(token, project.id), error: null };
            } catch (e) {
              if (e instanceof ApiError && e.status === 401) {
                throw e;
              }
              return { project, deployments: [], error: message(e) };
            }
          }),
        );
        return { organization, projects: projectViews, error: null };
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          throw e;
        }
        return { organization, projects: [], error: message(e) };
      }
    }),
  );
}

function Overview({ token, onSessionExpired }: { token: string; onSessionExpired: () => void }) {
  const [data, setData] = useState<OrganizationView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [loading, setLoading] = useState(false);

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setData(await loadOverview(token));
      setError(null);
      setUpdatedAt(new Date());
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        onSessionExpired();
        return;
      }
      setError(message(e));
    } finally {
      setLoading(false);
    }
  }, [token, onSessionExpired]);

  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => void refresh(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);

  return (
    <section aria-labelledby="overview-title">
      <div className="toolbar">
        <h1 id="overview-title">Deployments</h1>
        <span className="muted" aria-live="polite">
          {loading && !data ? 'Loading…' : updatedAt ? `Updated ${updatedAt.toLocaleTimeString()}` : ''}
        </span>
        <button type="button" className="secondary" onClick={() => void refresh()} disabled={loading}>
          Refresh
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {data && data.length === 0 && <p className="empty">You are not a member of any organization yet.</p>}
      {data?.map((org) => (
        <OrganizationSection key={org.organization.id} view={org} />
      ))}
    </section>
  );
}

function OrganizationSection({ view }: { view: OrganizationView }) {
  return (
    <section className="organization" aria-label={`Organization ${view.organization.name}`}>
      <h2>{view.organization.name}</h2>
      {view.error && (
        <p className="error" role="alert">
          Projects could not be loaded: {view.error}
        </p>
      )}
      {!view.error && view.projects.length === 0 && <p className="empty">No projects in this organization.</p>}
      {view.projects.map((p) => (
        <ProjectSection key={p.project.id} view={p} />
      ))}
    </section>
  );
}

function ProjectSection({ view }: { view: ProjectView }) {
  const titleId = `project-${view.project.id}`;
  return (
    <div className="card project">
      <h3 id={titleId}>
        {view.project.name} <span className="muted id">{view.project.id}</span>
      </h3>
      {view.error ? (
        <p className="error" role="alert">
          Deployments could not be loaded: {view.error}
        </p>
      ) : view.deployments.length === 0 ? (
        <p className="empty">
          No deployments in this project yet. Upload a model and create one with the management API
          (<code>POST /api/v1/projects/{view.project.id}/deployments</code>).
        </p>
      ) : (
        <table aria-labelledby={titleId}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Ready / instances</th>
              <th scope="col">Version tag</th>
              <th scope="col">Deployment id</th>
            </tr>
          </thead>
          <tbody>
            {view.deployments.map((d) => (
              <tr key={d.id}>
                <td>{d.name}</td>
                <td>
                  <span className={`status status-${d.status.toLowerCase()}`}>{d.status}</span>
                  {d.statusReason && <div className="muted reason">{d.statusReason}</div>}
                </td>
                <td>
                  {d.readyInstances ?? 0} / {d.instances ?? 0}
                </td>
                <td>{d.versionTag ?? '—'}</td>
                <td>
                  <code>{d.id}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
