import { useCallback, useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { client, expireSession, logout, onSession, refreshSession, session, type Organization, type Project, type Session } from './api';
import { WorkspaceContext, roleAtLeast, useWorkspace as useContextSafe, type Workspace } from './context';
import { ErrorBox, Loading, useLoad } from './components/ui';
import { currentPath, href, navigate, useRoute } from './router';
import { Login } from './pages/Login';
import { DeploymentList } from './pages/DeploymentList';
import { CreateDeployment } from './pages/CreateDeployment';
import { DeploymentPage } from './pages/DeploymentPage';
import { Secrets } from './pages/Secrets';
import { Members } from './pages/Members';
import { AuditLog } from './pages/AuditLog';
import { Nodes } from './pages/Nodes';
import { GpuTypes } from './pages/GpuTypes';
import { Account, ChangePassword } from './pages/Account';
import { AcceptInvitation, ResetPassword } from './pages/PublicPages';
import { Users } from './pages/Users';
import { ServiceAccounts } from './pages/ServiceAccounts';
import { Usage } from './pages/Usage';
import { MyInvitations } from './components/MyInvitations';

const ORG_KEY = 'kiln.organizationId';
const PROJECT_KEY = 'kiln.projectId';
/** Renew the access token this long before it expires. */
const RENEW_BEFORE_MS = 60_000;

export function App() {
  const [current, setCurrent] = useState<Session | null>(() => session());
  const path = useRoute();
  const [notice, setNotice] = useState<string | null>(null);
  // Set when the access token could not be renewed: the session ends at this time.
  const [endsAt, setEndsAt] = useState<number | null>(null);

  useEffect(
    () =>
      onSession((next, reason) => {
        setCurrent(next);
        setEndsAt(null);
        if (reason === 'expired') {
          setNotice(`Your session expired at ${new Date().toLocaleTimeString()}. Sign in again to continue.`);
        } else if (reason === 'signed-out') {
          setNotice('You are signed out.');
        } else if (reason === 'signed-in') {
          setNotice(null);
        }
      }),
    [],
  );

  // Renew the access token shortly before it runs out; when that is impossible, end the session at expiry.
  useEffect(() => {
    if (!current) {
      return undefined;
    }
    const renewIn = Math.max(0, current.expiresAt - Date.now() - RENEW_BEFORE_MS);
    const timer = window.setTimeout(async () => {
      const renewed = await refreshSession();
      if (!renewed) {
        setEndsAt(current.expiresAt);
        expiry = window.setTimeout(expireSession, Math.max(0, current.expiresAt - Date.now()));
      }
    }, renewIn);
    let expiry: number | undefined;
    return () => {
      window.clearTimeout(timer);
      window.clearTimeout(expiry);
    };
  }, [current]);

  // Links from mail open these pages whether or not someone is signed in.
  const [page, token] = path.split('/').filter(Boolean);
  if (page === 'accept-invitation' && token) {
    return <AcceptInvitation key={token} token={token} current={current} />;
  }
  if (page === 'reset-password' && token) {
    return <ResetPassword key={token} token={token} />;
  }
  if (!current) {
    return <Login notice={notice} />;
  }
  return <Shell current={current} endsAt={endsAt} />;
}

function Shell({ current, endsAt }: { current: Session; endsAt: number | null }) {
  const path = useRoute();
  const me = useLoad(() => client.me(), []);
  // Nothing but /me answers while a temporary password is pending: ask for organizations only after it is changed.
  const ready = me.data !== null && !me.data.mustChangePassword;
  const orgs = useLoad(() => (ready ? client.organizations() : Promise.resolve(null)), [ready]);
  const [orgId, setOrgId] = useState<string | null>(() => localStorage.getItem(ORG_KEY));
  const [projectId, setProjectId] = useState<string | null>(() => localStorage.getItem(PROJECT_KEY));

  const organization: Organization | null = useMemo(() => {
    const list = orgs.data ?? [];
    return list.find((o) => o.id === orgId) ?? list[0] ?? null;
  }, [orgs.data, orgId]);

  const projects = useLoad(
    () => (organization ? client.projects(organization.id) : Promise.resolve([] as Project[])),
    [organization?.id],
  );
  const project: Project | null = useMemo(() => {
    const list = projects.data ?? [];
    return list.find((p) => p.id === projectId) ?? list[0] ?? null;
  }, [projects.data, projectId]);

  const chooseOrg = (id: string) => {
    localStorage.setItem(ORG_KEY, id);
    setOrgId(id);
    navigate('/');
  };
  const chooseProject = useCallback((id: string) => {
    localStorage.setItem(PROJECT_KEY, id);
    setProjectId(id);
    // A deployment belongs to one project: switching project leaves its page for the new project's list.
    if (currentPath().startsWith('/deployments/')) {
      navigate('/');
    }
  }, []);

  const role =
    organization?.role ?? me.data?.memberships.find((m) => m.organizationId === organization?.id)?.role ?? null;

  const workspace: Workspace | null = me.data
    ? {
        me: me.data,
        organization,
        project,
        role,
        isAdmin: roleAtLeast(role, 'ADMIN'),
        canWrite: roleAtLeast(role, 'MEMBER'),
        reloadProjects: () => void projects.reload(),
      }
    : null;

  const section = path.split('/')[1] ?? '';
  const nav: { to: string; label: string; show: boolean; active: boolean }[] = [
    { to: '/', label: 'Deployments', show: true, active: section === '' || section === 'deployments' },
    { to: '/secrets', label: 'Secrets', show: workspace?.isAdmin ?? false, active: section === 'secrets' },
    { to: '/members', label: 'Members', show: true, active: section === 'members' },
    { to: '/audit', label: 'Audit log', show: true, active: section === 'audit' },
    { to: '/usage', label: 'Usage', show: true, active: section === 'usage' },
    { to: '/service-accounts', label: 'Service accounts', show: workspace?.isAdmin ?? false, active: section === 'service-accounts' },
    { to: '/users', label: 'Users', show: me.data?.operator ?? false, active: section === 'users' },
    { to: '/nodes', label: 'Nodes', show: me.data?.operator ?? false, active: section === 'nodes' },
    { to: '/gpu-types', label: 'GPU types', show: true, active: section === 'gpu-types' },
  ];

  if (me.data?.mustChangePassword) {
    return <ForcedPasswordChange email={me.data.email} onChanged={() => void me.reload()} />;
  }

  return (
    <div className="app">
      <a className="skip-link" href="#content" onClick={(e) => { e.preventDefault(); document.getElementById('content')?.focus(); }}>
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href('/')}>
          <span className="logo" aria-hidden="true" /> Kiln
        </a>
        <div className="switchers">
          <label className="switcher">
            <span>Organization</span>
            <select
              aria-label="Organization"
              value={organization?.id ?? ''}
              onChange={(e) => chooseOrg(e.target.value)}
              disabled={!orgs.data || orgs.data.length === 0}
            >
              {(orgs.data ?? []).map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
          <label className="switcher">
            <span>Project</span>
            <select
              aria-label="Project"
              value={project?.id ?? ''}
              onChange={(e) => chooseProject(e.target.value)}
              disabled={!projects.data || projects.data.length === 0}
            >
              {(projects.data ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="account">
          <a className="who" href={href('/account')} title={`Your account. Session renews automatically until you sign out; this token expires ${new Date(current.expiresAt).toLocaleTimeString()}`}>
            {me.data?.email ?? ''}
            {role && <span className="role">{role}</span>}
          </a>
          <button type="button" className="secondary on-dark" onClick={() => void logout()}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="mainnav" aria-label="Main">
        {nav
          .filter((n) => n.show)
          .map((n) => (
            <a key={n.to} href={href(n.to)} aria-current={n.active ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
      </nav>
      {endsAt && (
        <div className="session-banner" role="alert">
          Your session could not be renewed and ends at {new Date(endsAt).toLocaleTimeString()}. Sign in again to keep working.
          <button type="button" className="secondary small" onClick={() => void logout()}>
            Sign in again
          </button>
        </div>
      )}
      <main id="content" tabIndex={-1}>
        {me.error || orgs.error ? (
          <ErrorBox error={(me.error ?? orgs.error) as Error} title="Your account could not be loaded." onRetry={() => { void me.reload(); void orgs.reload(); }} />
        ) : !workspace || !orgs.data ? (
          <Loading what="your workspace" />
        ) : (
          <WorkspaceContext.Provider value={workspace}>
            <MyInvitations onJoined={() => void orgs.reload()} />
            <Routes path={path} projectsLoading={projects.loading && !projects.data} projectsError={projects.error} />
          </WorkspaceContext.Provider>
        )}
      </main>
    </div>
  );
}

function Routes({ path, projectsLoading, projectsError }: { path: string; projectsLoading: boolean; projectsError: Error | null }) {
  const ws = useContextSafe();
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'nodes':
      return <Nodes />;
    case 'gpu-types':
      return <GpuTypes />;
    case 'members':
      return <Members />;
    case 'account':
      return <Account email={ws.me.email} />;
    case 'users':
      return ws.me.operator ? <Users /> : <NoPage path={path} />;
    case 'service-accounts':
      return <ServiceAccounts />;
    case 'usage':
      return <Usage />;
    case 'audit':
      return <AuditLog />;
    case 'secrets':
      return <NeedsProject loading={projectsLoading} error={projectsError}>{(id) => <Secrets key={id} projectId={id} />}</NeedsProject>;
    case 'deployments':
      if (parts[1] === 'new') {
        return <NeedsProject loading={projectsLoading} error={projectsError}>{(id) => <CreateDeployment key={id} projectId={id} />}</NeedsProject>;
      }
      if (parts[1]) {
        return <DeploymentPage key={parts[1]} deploymentId={parts[1]} tab={parts[2] ?? 'overview'} />;
      }
      return <NeedsProject loading={projectsLoading} error={projectsError}>{(id) => <DeploymentList key={id} projectId={id} />}</NeedsProject>;
    case undefined:
      return <NeedsProject loading={projectsLoading} error={projectsError}>{(id) => <DeploymentList key={id} projectId={id} />}</NeedsProject>;
    default:
      return <NoPage path={path} />;
  }
}

function NoPage({ path }: { path: string }) {
  return (
    <div className="empty">
      <p className="empty-title">There is no page at {path}.</p>
      <a href={href('/')}>Go to deployments</a>
    </div>
  );
}

/** A temporary password: nothing but the form that replaces it until it is changed (the API refuses the rest). */
function ForcedPasswordChange({ email, onChanged }: { email: string; onChanged: () => void }) {
  return (
    <main className="login-page">
      <div className="login">
        <ChangePassword
          email={email}
          onChanged={onChanged}
          intro={`${email} signed in with a temporary password. Choose your own password to continue.`}
        />
        <button type="button" className="secondary" onClick={() => void logout()}>
          Sign out
        </button>
      </div>
    </main>
  );
}

function NeedsProject({ loading, error, children }: { loading: boolean; error: Error | null; children: (projectId: string) => ReactNode }) {
  const ws = useContextSafe();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  if (error) {
    return <ErrorBox error={error} title="Projects could not be loaded." onRetry={ws.reloadProjects} />;
  }
  if (loading) {
    return <Loading what="projects" />;
  }
  if (!ws.organization) {
    return (
      <div className="empty">
        <p className="empty-title">You are not a member of any organization yet.</p>
        <p>Ask an owner or admin of an organization to invite you; the invitation shows up here.</p>
      </div>
    );
  }
  if (!ws.project) {
    const create = async (e: FormEvent) => {
      e.preventDefault();
      setBusy(true);
      setCreateError(null);
      try {
        const p = await client.createProject(ws.organization!.id, name.trim());
        localStorage.setItem(PROJECT_KEY, p.id);
        ws.reloadProjects();
      } catch (err) {
        setCreateError(err instanceof Error ? err.message : 'The project could not be created.');
      } finally {
        setBusy(false);
      }
    };
    return (
      <div className="empty">
        <p className="empty-title">{ws.organization.name} has no projects yet.</p>
        {ws.isAdmin ? (
          <form className="inline-form" onSubmit={create}>
            <div className="field">
              <label htmlFor="new-project-name">Project name</label>
              <input id="new-project-name" required value={name} onChange={(e) => setName(e.target.value)} />
            </div>
            <button type="submit" disabled={busy || !name.trim()}>
              Create project
            </button>
            {createError && <ErrorBox error={createError} />}
          </form>
        ) : (
          <p>Ask an admin of the organization to create one.</p>
        )}
      </div>
    );
  }
  return <>{children(ws.project.id)}</>;
}
