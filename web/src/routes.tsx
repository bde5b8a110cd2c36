// Every URL of the SPA. Pages load lazily (one chunk each), so the first paint carries only
// the shell; each page's own folder under pages/ owns its components.
import { lazy, ReactNode, Suspense } from 'react';
import { Center } from '@mantine/core';
import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './components/Layout';
import { RouteError, NotFound } from './components/RouteError';
import { Spinner } from './components/Spinner';
import { RequireLogin, useCan } from './lib/auth';
import LoginPage from './pages/login/LoginPage';

const page = (load: () => Promise<{ default: React.ComponentType }>): ReactNode => {
  const C = lazy(load);
  return (
    <Suspense fallback={<Center py="xl"><Spinner label="Loading" /></Center>}>
      <C />
    </Suspense>
  );
};

/** /admin: the first page of the Admin menu that the user's role may open (a viewer's is their API tokens). */
function AdminIndex() {
  return <Navigate to={useCan('technician') ? '/admin/credentials' : '/admin/tokens'} replace />;
}

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage />, errorElement: <RouteError /> },
  {
    path: '/',
    element: (
      <RequireLogin>
        <Layout />
      </RequireLogin>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: page(() => import('./pages/dashboard/DashboardPage')) },
      { path: 'devices', element: page(() => import('./pages/devices/DevicesPage')) },
      { path: 'devices/:id', element: page(() => import('./pages/devices/DevicePage')) },
      { path: 'software', element: page(() => import('./pages/software/SoftwarePage')) },
      { path: 'software/:id', element: page(() => import('./pages/software/SoftwareDevicesPage')) },
      { path: 'discovery', element: page(() => import('./pages/discovery/DiscoveryPage')) },
      { path: 'discovery/scans/:id', element: page(() => import('./pages/discovery/ScanPage')) },
      { path: 'jobs', element: page(() => import('./pages/jobs/JobsPage')) },
      { path: 'jobs/new', element: page(() => import('./pages/jobs/NewJobPage')) },
      { path: 'jobs/:id', element: page(() => import('./pages/jobs/JobPage')) },
      { path: 'configs', element: page(() => import('./pages/configs/DriftPage')) },
      { path: 'configs/diff', element: page(() => import('./pages/configs/DiffPage')) },
      { path: 'configs/compliance', element: page(() => import('./pages/configs/CompliancePage')) },
      { path: 'configs/baselines', element: page(() => import('./pages/configs/BaselinesPage')) },
      { path: 'configs/rules', element: page(() => import('./pages/configs/RulesPage')) },
      { path: 'admin', element: <AdminIndex /> },
      { path: 'admin/users', element: page(() => import('./pages/admin/UsersPage')) },
      { path: 'admin/credentials', element: page(() => import('./pages/admin/CredentialsPage')) },
      { path: 'admin/tokens', element: page(() => import('./pages/admin/TokensPage')) },
      { path: 'admin/agents', element: page(() => import('./pages/admin/AgentsPage')) },
      { path: 'admin/audit', element: page(() => import('./pages/admin/AuditPage')) },
      { path: '*', element: <NotFound /> },
    ],
  },
]);
