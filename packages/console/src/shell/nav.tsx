import {
  NavCategory,
  NavCategoryItem,
  NavDrawer,
  NavDrawerBody,
  NavItem,
  NavSectionHeader,
  NavSubItem,
  NavSubItemGroup,
} from '@fluentui/react-components';
import {
  AlertRegular,
  AppsListDetailRegular,
  AppsRegular,
  CloudDatabaseRegular,
  DocumentTextRegular,
  KeyRegular,
  LocationRegular,
  PeopleRegular,
  PersonRegular,
  SettingsRegular,
  TextBulletListSquareRegular,
} from '@fluentui/react-icons';
import { navigate } from '../navigation.js';

export const NAV_ITEMS = [
  { value: '/entra/app-registrations', label: 'App registrations', icon: <AppsRegular /> },
  { value: '/entra/enterprise-applications', label: 'Enterprise applications', icon: <AppsListDetailRegular /> },
  { value: '/entra/users', label: 'Users', icon: <PersonRegular /> },
  { value: '/entra/token-decoder', label: 'Token decoder', icon: <KeyRegular /> },
] as const;

export const DEFENDER_ITEMS = [
  { value: '/defender/alerts', label: 'Alerts', icon: <AlertRegular /> },
  { value: '/defender/activity-log', label: 'Activity log', icon: <TextBulletListSquareRegular /> },
  { value: '/defender/users-and-accounts', label: 'Users and accounts', icon: <PeopleRegular /> },
  { value: '/defender/ip-address-ranges', label: 'IP address ranges', icon: <LocationRegular /> },
  { value: '/defender/cloud-discovery', label: 'Cloud Discovery', icon: <CloudDatabaseRegular /> },
] as const;

/** The left navigation: Microsoft Entra pages, then Defender for Cloud Apps pages, as two sections. */
export function Nav({ pathname }: { pathname: string }) {
  const all = [...NAV_ITEMS, ...DEFENDER_ITEMS, { value: '/defender/settings/api-tokens' }];
  const selected = all.find((i) => pathname.toLowerCase().startsWith(i.value))?.value ?? '';
  return (
    <NavDrawer
      open
      type="inline"
      selectedValue={selected}
      selectedCategoryValue={selected.startsWith('/defender/settings') ? 'settings' : undefined}
      defaultOpenCategories={['settings']}
      onNavItemSelect={(_e, d) => (String(d.value) === '/docs' ? undefined : navigate(String(d.value)))}
      aria-label="Navigation"
      style={{ height: '100%' }}
    >
      <NavDrawerBody>
        <NavSectionHeader>Microsoft Entra ID</NavSectionHeader>
        {NAV_ITEMS.map((i) => (
          <NavItem key={i.value} value={i.value} icon={i.icon} href={i.value} onClick={(e) => e.preventDefault()}>
            {i.label}
          </NavItem>
        ))}
        <NavSectionHeader>Cloud Apps</NavSectionHeader>
        {DEFENDER_ITEMS.map((i) => (
          <NavItem key={i.value} value={i.value} icon={i.icon} href={i.value} onClick={(e) => e.preventDefault()}>
            {i.label}
          </NavItem>
        ))}
        <NavCategory value="settings">
          <NavCategoryItem icon={<SettingsRegular />}>Settings</NavCategoryItem>
          <NavSubItemGroup>
            <NavSubItem value="/defender/settings/api-tokens" href="/defender/settings/api-tokens" onClick={(e) => e.preventDefault()}>
              API tokens
            </NavSubItem>
          </NavSubItemGroup>
        </NavCategory>
        <NavSectionHeader>Developers</NavSectionHeader>
        <NavItem value="/docs" icon={<DocumentTextRegular />} href="/docs" target="_blank">
          API reference
        </NavItem>
      </NavDrawerBody>
    </NavDrawer>
  );
}
