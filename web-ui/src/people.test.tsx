import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { ChangePassword } from './pages/Account';
import { AcceptInvitation } from './pages/PublicPages';
import { Members } from './pages/Members';
import { Users } from './pages/Users';
import { Tokens } from './pages/ServiceAccounts';
import { Usage } from './pages/Usage';
import { MyInvitations } from './components/MyInvitations';
import { WorkspaceContext, type Workspace } from './context';
import type { Me } from './api';

type Call = { method: string; url: string; body: unknown };
type Route = (call: Call) => { status: number; body?: unknown } | undefined;

/** Answers fetch from {@code route}; anything it does not answer is a 404, so a stray call shows up. */
function stubApi(route: Route): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const call = { method: init?.method ?? 'GET', url, body: init?.body ? JSON.parse(init.body as string) : undefined };
      calls.push(call);
      const answer = route(call) ?? { status: 404, body: { status: 404, error: 'NotFound', message: 'Not found.' } };
      return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status });
    }),
  );
  return calls;
}

const tokens = { access_token: 'A2', refresh_token: 'R2', token_type: 'Bearer', expires_in: 3600 };
const me: Me = { id: 'u1', email: 'ada@example.com', displayName: null, operator: false, memberships: [] };

function inWorkspace(node: ReactNode, over: Partial<Workspace> = {}) {
  const ws: Workspace = {
    me,
    organization: { id: 'o1', name: 'Acme' },
    project: null,
    role: 'ADMIN',
    isAdmin: true,
    canWrite: true,
    reloadProjects: () => undefined,
    ...over,
  };
  return render(<WorkspaceContext.Provider value={ws}>{node}</WorkspaceContext.Provider>);
}

beforeEach(() => sessionStorage.clear());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.location.hash = '';
});

describe('changing the password', () => {
  it('sends the current and the new password once both new ones match, then signs in with the new one', async () => {
    const calls = stubApi((c) =>
      c.url === '/api/v1/me/password' ? { status: 204 } : c.url === '/api/v1/auth/login' ? { status: 200, body: tokens } : undefined,
    );
    const changed = vi.fn();
    render(<ChangePassword email={me.email} onChanged={changed} />);
    fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'old-secret' } });
    fireEvent.change(screen.getByLabelText('New password'), { target: { value: 'new-secret-1' } });
    fireEvent.change(screen.getByLabelText('New password again'), { target: { value: 'new-secret-2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The two new passwords differ.')).toBeTruthy();
    expect(calls).toHaveLength(0);

    fireEvent.change(screen.getByLabelText('New password again'), { target: { value: 'new-secret-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));

    await waitFor(() => expect(changed).toHaveBeenCalled());
    expect(calls).toEqual([
      { method: 'POST', url: '/api/v1/me/password', body: { currentPassword: 'old-secret', newPassword: 'new-secret-1' } },
      { method: 'POST', url: '/api/v1/auth/login', body: { username: me.email, password: 'new-secret-1' } },
    ]);
  });

  it('shows the API refusal of the new password next to that field', async () => {
    stubApi(() => ({
      status: 400,
      body: { status: 400, error: 'BadRequest', message: 'The password is not valid.', detail: [{ loc: ['body', 'newPassword'], msg: 'must be at least 12 characters' }] },
    }));
    render(<ChangePassword email={me.email} onChanged={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'old-secret' } });
    fireEvent.change(screen.getByLabelText('New password'), { target: { value: 'short' } });
    fireEvent.change(screen.getByLabelText('New password again'), { target: { value: 'short' } });
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));

    const message = await screen.findByText('must be at least 12 characters');
    expect(screen.getByLabelText('New password').getAttribute('aria-describedby')).toContain(message.id);
  });
});

describe('signing in with a temporary password', () => {
  it('shows only the change-password form until the password is changed', async () => {
    sessionStorage.setItem('kiln.session', JSON.stringify({ accessToken: 'A', refreshToken: 'R', expiresAt: Date.now() + 3_600_000 }));
    // uPlot (charts of other pages) measures the screen when App's modules load; jsdom has no matchMedia.
    vi.stubGlobal('matchMedia', () => ({ matches: false, addEventListener: () => undefined, removeEventListener: () => undefined }));
    // A fresh API module reads the session stored above.
    vi.resetModules();
    let mustChange = true;
    const calls = stubApi((c) => {
      if (c.url === '/api/v1/me') {
        return { status: 200, body: { ...me, mustChangePassword: mustChange } };
      }
      if (c.url === '/api/v1/me/password') {
        mustChange = false;
        return { status: 204 };
      }
      if (c.url === '/api/v1/auth/login') {
        return { status: 200, body: tokens };
      }
      if (c.url === '/api/v1/organizations') {
        return mustChange ? { status: 403, body: { status: 403, error: 'Forbidden', message: 'Change your password first.' } } : { status: 200, body: [] };
      }
      return { status: 200, body: [] };
    });
    const { App: FreshApp } = await import('./App');
    render(<FreshApp />);

    expect(await screen.findByText(/signed in with a temporary password/)).toBeTruthy();
    expect(screen.queryByRole('navigation', { name: 'Main' })).toBeNull();
    expect(calls.map((c) => c.url)).not.toContain('/api/v1/organizations');

    fireEvent.change(screen.getByLabelText('Current password'), { target: { value: 'temporary-1' } });
    fireEvent.change(screen.getByLabelText('New password'), { target: { value: 'my-own-password' } });
    fireEvent.change(screen.getByLabelText('New password again'), { target: { value: 'my-own-password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));

    expect(await screen.findByRole('navigation', { name: 'Main' })).toBeTruthy();
  });
});

describe('invitations', () => {
  it('invites by email and role and lists the pending invitation with its revoke button', async () => {
    let pending: unknown[] = [];
    const calls = stubApi((c) => {
      if (c.url.endsWith('/members')) {
        return { status: 200, body: [] };
      }
      if (c.url === '/api/v1/organizations/o1/invitations' && c.method === 'POST') {
        const created = { id: 'i1', organizationId: 'o1', organizationName: 'Acme', email: 'bob@example.com', role: 'VIEWER', status: 'PENDING', expiresAt: '2030-01-01T00:00:00Z', createdAt: '2029-12-25T00:00:00Z', delivery: 'none' };
        pending = [created];
        return { status: 201, body: created };
      }
      if (c.url === '/api/v1/organizations/o1/invitations') {
        return { status: 200, body: pending };
      }
      if (c.url === '/api/v1/organizations/o1/invitations/i1' && c.method === 'DELETE') {
        pending = [];
        return { status: 204 };
      }
      return undefined;
    });
    inWorkspace(<Members />);
    fireEvent.click(await screen.findByRole('button', { name: 'Invite' }));
    expect(screen.queryByLabelText('Initial password')).toBeNull();
    fireEvent.change(screen.getByLabelText('Email to invite'), { target: { value: 'bob@example.com' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'VIEWER' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send invitation' }));

    expect(await screen.findByText(/bob@example.com is invited. No mail is configured/)).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ email: 'bob@example.com', role: 'VIEWER' });
    fireEvent.click(await screen.findByRole('button', { name: 'Revoke invitation of bob@example.com' }));
    await waitFor(() => expect(screen.queryByText('Pending invitations')).toBeNull());
  });

  it('lets the invited person accept an invitation addressed to them after sign-in', async () => {
    let mine = [{ id: 'i1', organizationId: 'o2', organizationName: 'Globex', email: me.email, role: 'MEMBER', status: 'PENDING', expiresAt: '', createdAt: '' }];
    const calls = stubApi((c) => {
      if (c.url === '/api/v1/me/invitations') {
        return { status: 200, body: mine };
      }
      if (c.url === '/api/v1/me/invitations/i1/accept') {
        mine = [];
        return { status: 200, body: {} };
      }
      return undefined;
    });
    const joined = vi.fn();
    render(<MyInvitations onJoined={joined} />);
    const item = await screen.findByRole('listitem', { name: 'Invitation to Globex' });
    fireEvent.click(within(item).getByRole('button', { name: 'Accept' }));

    await waitFor(() => expect(screen.queryByText('Invitations for you')).toBeNull());
    expect(joined).toHaveBeenCalled();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toContain('POST /api/v1/me/invitations/i1/accept');
  });

  it('creates the account of a new address from the link page and signs it in', async () => {
    const calls = stubApi((c) => {
      if (c.url === '/api/v1/invitations/preview') {
        return { status: 200, body: { organizationName: 'Acme', email: 'new@example.com', role: 'MEMBER', expiresAt: '2030-01-01T00:00:00Z', accountExists: false } };
      }
      if (c.url === '/api/v1/invitations/accept') {
        return { status: 200, body: {} };
      }
      if (c.url === '/api/v1/auth/login') {
        return { status: 200, body: { access_token: 'A', refresh_token: 'R', expires_in: 60 } };
      }
      return undefined;
    });
    render(<AcceptInvitation token="tok" current={null} />);
    fireEvent.change(await screen.findByLabelText('Choose a password'), { target: { value: 'a-long-password' } });
    fireEvent.change(screen.getByLabelText('Password again'), { target: { value: 'a-long-password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account and join' }));

    await waitFor(() => expect(window.location.hash).toBe('#/'));
    expect(calls.map((c) => [c.url, c.body])).toEqual([
      ['/api/v1/invitations/preview', { token: 'tok' }],
      ['/api/v1/invitations/accept', { token: 'tok', password: 'a-long-password' }],
      ['/api/v1/auth/login', { username: 'new@example.com', password: 'a-long-password' }],
    ]);
  });

  it('asks an existing account to sign in as the invited address before it can accept', async () => {
    stubApi(() => ({ status: 200, body: { organizationName: 'Acme', email: 'old@example.com', role: 'ADMIN', expiresAt: '2030-01-01T00:00:00Z', accountExists: true } }));
    render(<AcceptInvitation token="tok" current={null} />);

    expect(await screen.findByText('Sign in as old@example.com to join Acme.')).toBeTruthy();
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('old@example.com');
    expect(screen.queryByRole('button', { name: 'Accept invitation' })).toBeNull();
  });
});

describe('the operator users page', () => {
  it('shows the temporary password of a new user once', async () => {
    let users: unknown[] = [];
    const calls = stubApi((c) => {
      if (c.url === '/api/v1/users' && c.method === 'POST') {
        users = [{ id: 'u2', email: 'bob@example.com', operator: false, disabled: false, mustChangePassword: true, createdAt: '2030-01-01T00:00:00Z' }];
        return { status: 201, body: users[0] };
      }
      return c.url === '/api/v1/users' ? { status: 200, body: users } : undefined;
    });
    inWorkspace(<Users />);
    fireEvent.click(screen.getByRole('button', { name: 'New user' }));
    fireEvent.change(screen.getByLabelText('User email'), { target: { value: 'bob@example.com' } });
    const generated = (screen.getByLabelText('Temporary password') as HTMLInputElement).value;
    fireEvent.click(screen.getByRole('button', { name: 'Create user' }));

    expect((await screen.findByTestId('temporary-password')).textContent).toBe(generated);
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ email: 'bob@example.com', temporaryPassword: generated });
    expect(await screen.findByText('must change password')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'I have stored it' }));
    expect(screen.queryByTestId('temporary-password')).toBeNull();
  });

  it('shows the temporary password of a reset without mail, and only a notice when mail carries the link', async () => {
    let delivery = 'none';
    stubApi((c) => {
      if (c.url === '/api/v1/users/u2/reset-password') {
        return delivery === 'none' ? { status: 200, body: { delivery, temporaryPassword: 'Tmp-123' } } : { status: 202, body: { delivery } };
      }
      return { status: 200, body: [{ id: 'u2', email: 'bob@example.com', operator: false, disabled: false, mustChangePassword: false, createdAt: '' }] };
    });
    inWorkspace(<Users />);
    const reset = async () => {
      fireEvent.click(await screen.findByRole('button', { name: 'Reset password of bob@example.com' }));
      fireEvent.click(screen.getByRole('button', { name: 'Reset password' }));
    };
    await reset();
    expect((await screen.findByTestId('temporary-password')).textContent).toBe('Tmp-123');
    fireEvent.click(screen.getByRole('button', { name: 'I have stored it' }));

    delivery = 'email';
    await reset();
    expect(await screen.findByText('A reset link went to bob@example.com.')).toBeTruthy();
    expect(screen.queryByTestId('temporary-password')).toBeNull();
  });
});

describe('service account tokens', () => {
  it('shows a new token once with a copy button and lists it with its last use', async () => {
    let tokens: unknown[] = [];
    const calls = stubApi((c) => {
      const base = '/api/v1/organizations/o1/service-accounts/s1/tokens';
      if (c.url === base && c.method === 'POST') {
        tokens = [{ id: 't1', name: 'ci', prefix: 'kiln_sa_ab', expiresAt: null, createdAt: '', lastUsedAt: null }];
        return { status: 201, body: { ...(tokens[0] as object), token: 'kiln_sa_abcdef' } };
      }
      return c.url === base ? { status: 200, body: tokens } : undefined;
    });
    render(<Tokens orgId="o1" account={{ id: 's1', organizationId: 'o1', name: 'deployer', role: 'MEMBER', createdAt: '' }} />);
    fireEvent.change(screen.getByLabelText('Token name'), { target: { value: 'ci' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));

    expect((await screen.findByTestId('new-token')).textContent).toBe('kiln_sa_abcdef');
    expect(screen.getByRole('button', { name: 'Copy token' })).toBeTruthy();
    const table = await screen.findByRole('table', { name: 'Tokens of deployer' });
    expect(within(table).getByText('kiln_sa_ab…')).toBeTruthy();
    expect(within(table).queryByText('kiln_sa_abcdef')).toBeNull();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'ci' });
    fireEvent.click(screen.getByRole('button', { name: 'I have stored it' }));
    expect(screen.queryByTestId('new-token')).toBeNull();
  });
});

describe('the usage panel', () => {
  const quotas = {
    organizationId: 'o1',
    quotas: [
      { name: 'deployments', limit: 10, used: 4, unit: 'count' },
      { name: 'modelStorageBytes', limit: 1024 ** 3, used: 512 * 1024 ** 2, unit: 'bytes' },
    ],
  };

  it('shows used over limit as bars and offers no editing to a non-operator', async () => {
    stubApi(() => ({ status: 200, body: quotas }));
    inWorkspace(<Usage />);
    expect(await screen.findByText('4 / 10')).toBeTruthy();
    expect((screen.getByRole('meter', { name: 'Model storage used' }) as HTMLMeterElement).value).toBeCloseTo(0.5);
    expect(screen.queryByRole('button', { name: 'Edit limits' })).toBeNull();
  });

  it('lets an operator change a limit and sends only that one', async () => {
    const calls = stubApi((c) =>
      c.method === 'PATCH' ? { status: 200, body: { ...quotas, quotas: [{ ...quotas.quotas[0], limit: 20 }, quotas.quotas[1]] } } : { status: 200, body: quotas },
    );
    inWorkspace(<Usage />, { me: { ...me, operator: true } });
    fireEvent.click(await screen.findByRole('button', { name: 'Edit limits' }));
    expect((screen.getByLabelText('Model storage limit (GiB)') as HTMLInputElement).value).toBe('1');
    fireEvent.change(screen.getByLabelText('Deployments limit'), { target: { value: '20' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save limits' }));

    expect(await screen.findByText('4 / 20')).toBeTruthy();
    expect(calls.find((c) => c.method === 'PATCH')).toEqual({ method: 'PATCH', url: '/api/v1/organizations/o1/quotas', body: { deployments: 20 } });
  });
});
