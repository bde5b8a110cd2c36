// Who is signed in, and what their role lets them do. The session is the HttpOnly cookie that
// POST /api/auth/login sets; the SPA never sees or stores a token.
import { createContext, ReactNode, useContext, useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Center } from '@mantine/core';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, ApiError, onUnauthorized, Schemas, unwrap } from '../api/client';
import { Spinner } from '../components/Spinner';

export type Role = 'viewer' | 'technician' | 'admin';
export type Me = Schemas['UserView'];

const RANK: Record<Role, number> = { viewer: 0, technician: 1, admin: 2 };

/** True when `role` is at least `min` (admin ⊇ technician ⊇ viewer), as the server's guards decide. */
export function atLeast(role: Role | undefined, min: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[min];
}

const MeContext = createContext<Me | undefined>(undefined);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside <RequireLogin>');
  return me;
}

/** Whether the signed-in user may do what needs `min`: hide write buttons a role cannot use. */
export function useCan(min: Role): boolean {
  return atLeast(useContext(MeContext)?.role as Role | undefined, min);
}

export const meQueryKey = ['auth', 'me'];

/** Renders children for a signed-in user, else sends them to /login?next=… */
export function RequireLogin({ children }: { children: ReactNode }) {
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useQuery({
    queryKey: meQueryKey,
    queryFn: () => unwrap(api.GET("/api/auth/me")),
    retry: (n, err) => !(err instanceof ApiError && err.status === 401) && n < 2,
    staleTime: 60_000,
  });
  useEffect(
    () =>
      onUnauthorized(() => {
        qc.clear();
        navigate(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`, { replace: true });
      }),
    [navigate, qc],
  );
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Spinner label="Loading" />
      </Center>
    );
  }
  if (me.error) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
    }
    throw me.error;
  }
  return <MeContext.Provider value={me.data}>{children}</MeContext.Provider>;
}
