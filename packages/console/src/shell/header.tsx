import {
  Avatar,
  Button,
  Menu,
  MenuDivider,
  MenuGroup,
  MenuGroupHeader,
  MenuItem,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { BuildingRegular, ChevronDownRegular, ShieldKeyholeRegular } from '@fluentui/react-icons';
import { onLinkClick } from '../navigation.js';
import { useSession } from './session-context.js';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    height: '48px',
    padding: `0 ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  brand: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    color: tokens.colorNeutralForegroundOnBrand,
    textDecoration: 'none',
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase400,
    ':focus-visible': { outline: `2px solid ${tokens.colorNeutralForegroundOnBrand}`, outlineOffset: '2px' },
  },
  spacer: { flexGrow: 1 },
  onBrand: {
    color: tokens.colorNeutralForegroundOnBrand,
    ':hover': { color: tokens.colorNeutralForegroundOnBrand, backgroundColor: tokens.colorBrandBackgroundHover },
    ':hover:active': { color: tokens.colorNeutralForegroundOnBrand, backgroundColor: tokens.colorBrandBackgroundPressed },
  },
  // Fluent's Button caps its width and lets its content overflow: the account button lays out its
  // two lines and the avatar side by side, the lines shortened with an ellipsis when space runs out.
  account: { maxWidth: '360px', minWidth: 0, gap: tokens.spacingHorizontalS, flexShrink: 1 },
  who: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-end',
    minWidth: 0,
    overflow: 'hidden',
    lineHeight: tokens.lineHeightBase200,
    '@media (max-width: 800px)': { display: 'none' },
  },
  small: { fontSize: tokens.fontSizeBase200, maxWidth: '100%', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  avatar: { flexShrink: 0 },
});

/** The top bar: product, the tenant (with the switcher) and the signed-in user. */
export function Header() {
  const s = useStyles();
  const { session, sessions, switchTenant, signOut, addTenant } = useSession();
  return (
    <header className={s.bar}>
      <a className={s.brand} href="/" onClick={onLinkClick('/')}>
        <ShieldKeyholeRegular fontSize={22} aria-hidden="true" />
        Appwarden admin center
      </a>
      <span className={s.spacer} />
      <Menu
        checkedValues={{ tenant: [session.tenantId] }}
        onCheckedValueChange={(_e, d) => d.checkedItems[0] && switchTenant(d.checkedItems[0])}
      >
        <MenuTrigger disableButtonEnhancement>
          <Button
            appearance="subtle"
            className={s.onBrand}
            icon={<BuildingRegular />}
            aria-label={`Directory: ${session.tenantName}. Switch directory`}
          >
            <span data-testid="tenant-name">{session.tenantName}</span>
            <ChevronDownRegular aria-hidden="true" />
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            <MenuGroup>
              <MenuGroupHeader>Switch directory</MenuGroupHeader>
              {sessions.map((t) => (
                <MenuItemRadio key={t.tenantId} name="tenant" value={t.tenantId} secondaryContent={t.domain}>
                  {t.tenantName}
                </MenuItemRadio>
              ))}
            </MenuGroup>
            <MenuDivider />
            <MenuItem onClick={addTenant}>Sign in to another directory</MenuItem>
          </MenuList>
        </MenuPopover>
      </Menu>
      <Menu>
        <MenuTrigger disableButtonEnhancement>
          <Button
            appearance="subtle"
            className={mergeClasses(s.onBrand, s.account)}
            aria-label={`Account manager for ${session.user.name || session.user.username}`}
          >
            <span className={s.who}>
              <Text className={s.small} data-testid="user-name">
                {session.user.username || session.user.name}
              </Text>
              <Text className={s.small}>{session.tenantName.toUpperCase()}</Text>
            </span>
            <Avatar className={s.avatar} size={28} name={session.user.name || session.user.username} color="colorful" aria-hidden="true" />
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            <MenuItem onClick={signOut}>Sign out</MenuItem>
          </MenuList>
        </MenuPopover>
      </Menu>
    </header>
  );
}
