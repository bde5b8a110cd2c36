// The frame of every signed-in page: navigation, the global device search (`/` focuses it),
// colour scheme and the user menu. Collapses to a burger menu on a tablet.
import { useRef } from 'react';
import { ActionIcon, AppShell, Burger, Group, Menu, NavLink, ScrollArea, Text, TextInput, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import {
  IconAdjustments, IconAppWindow, IconDeviceDesktop, IconGauge, IconGitCompare, IconListCheck, IconLogout, IconMoon, IconRadar, IconSearch, IconSun, IconUser,
} from '@tabler/icons-react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { atLeast, Role, useMe } from '../lib/auth';

interface NavItem {
  to: string;
  label: string;
  icon: typeof IconGauge;
  min?: Role;
  children?: Array<{ to: string; label: string; min?: Role }>;
}

export const NAV: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: IconGauge },
  { to: '/devices', label: 'Devices', icon: IconDeviceDesktop },
  { to: '/software', label: 'Software', icon: IconAppWindow },
  { to: '/discovery', label: 'Discovery', icon: IconRadar },
  { to: '/jobs', label: 'Jobs', icon: IconListCheck },
  {
    to: '/configs', label: 'Configs', icon: IconGitCompare,
    children: [
      { to: '/configs', label: 'Drift' },
      { to: '/configs/compliance', label: 'Compliance' },
      { to: '/configs/baselines', label: 'Baselines' },
      { to: '/configs/rules', label: 'Rules' },
    ],
  },
  {
    to: '/admin', label: 'Admin', icon: IconAdjustments,
    children: [
      { to: '/admin/users', label: 'Users', min: 'admin' },
      { to: '/admin/credentials', label: 'Credentials', min: 'technician' },
      { to: '/admin/tokens', label: 'API tokens' },
      { to: '/admin/agents', label: 'Agents', min: 'admin' },
      { to: '/admin/audit', label: 'Audit log', min: 'admin' },
    ],
  },
];

function isActive(pathname: string, to: string): boolean {
  return to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`);
}

export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const me = useMe();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const searchRef = useRef<HTMLInputElement>(null);
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  useHotkeys([['/', () => searchRef.current?.focus()]]);

  const logout = async () => {
    await api.POST('/api/auth/logout').catch(() => undefined);
    qc.clear();
    navigate('/login', { replace: true });
  };

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'md', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" />
            <Text component={Link} to="/" fw={700} size="lg">
              Teknisi
            </Text>
          </Group>
          <form
            role="search"
            style={{ flex: 1, maxWidth: 520 }}
            onSubmit={(e) => {
              e.preventDefault();
              const input = searchRef.current;
              const q = input?.value.trim() ?? '';
              // the devices page shows the query in its own box; the header's is ready for the next one
              if (input) {
                input.value = '';
                input.blur();
              }
              navigate(q ? `/devices?q=${encodeURIComponent(q)}` : '/devices');
            }}
          >
            <TextInput
              id="global-search"
              ref={searchRef}
              name="q"
              aria-label="Search devices"
              leftSection={<IconSearch size={16} />}
              placeholder="Search hostname, IP, MAC, serial or software  ( / )"
              autoComplete="off"
            />
          </form>
          <Group gap="xs" wrap="nowrap">
            <Tooltip label={scheme === 'dark' ? 'Light mode' : 'Dark mode'}>
              <ActionIcon variant="default" size="lg" onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')} aria-label={scheme === 'dark' ? 'Switch to light mode' : 'Switch to dark mode'}>
                {scheme === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
              </ActionIcon>
            </Tooltip>
            <Menu position="bottom-end">
              <Menu.Target>
                <ActionIcon variant="default" size="lg" aria-label={`Account: ${me.username}`}>
                  <IconUser size={18} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {me.displayName || me.username} · {me.role}
                </Menu.Label>
                <Menu.Item component={Link} to="/admin/tokens">
                  My API tokens
                </Menu.Item>
                <Menu.Item leftSection={<IconLogout size={16} />} onClick={logout}>
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <ScrollArea>
          {NAV.map((item) => {
            const children = item.children?.filter((c) => !c.min || atLeast(me.role as Role, c.min));
            if (item.children && !children?.length) return null;
            return children ? (
              // a button: NavLink's default <a> without an href is skipped by Tab, so a keyboard could not open the group
              <NavLink key={item.to} component="button" label={item.label} leftSection={<item.icon size={18} />} defaultOpened={isActive(pathname, item.to)} active={false}>
                {children.map((c) => (
                  <NavLink key={c.to} component={Link} to={c.to} label={c.label} active={pathname === c.to} onClick={close} />
                ))}
              </NavLink>
            ) : (
              <NavLink key={item.to} component={Link} to={item.to} label={item.label} leftSection={<item.icon size={18} />} active={isActive(pathname, item.to)} onClick={close} />
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
