import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, ArrowClockwiseRegular, PersonRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { management } from '../../api/clients.js';
import { ConfirmDialog } from '../../shell/confirm-dialog.js';
import { FilterDropdown } from '../../shell/filter-dropdown.js';
import { Page } from '../../shell/page.js';
import { Empty, ErrorState, Loading } from '../../shell/page-states.js';
import { useSession } from '../../shell/session-context.js';
import { useAsync } from '../../shell/use-async.js';

interface UserJson {
  id: string;
  displayName: string;
  userPrincipalName: string;
  accountEnabled?: boolean;
}

/** Directory roles a user can be given here (Entra's role template ids). */
const ROLES: [string, string][] = [
  ['62e90394-69f5-4237-9190-012177145e10', 'Global Administrator'],
  ['9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'Application Administrator'],
  ['158c047a-c907-4556-b7ef-446551a6b5f7', 'Cloud Application Administrator'],
  ['194ae4cb-b126-40b2-bd5b-6091b380977d', 'Security Administrator'],
  ['892c5842-a9a6-463a-8041-72aa08ca3cf6', 'Cloud App Security Administrator'],
  ['5f2222b1-57c3-48ba-8ad5-d4759f1fde6f', 'Security Operator'],
  ['5d6b6bb7-de71-4623-b4af-96380a352509', 'Security Reader'],
  ['f2ef992c-3afb-46b9-b7cf-a126ee74c451', 'Global Reader'],
];

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  actions: { display: 'flex', gap: tokens.spacingHorizontalXS },
});

function generatedPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `Aw-${btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, '')}`;
}

/** Users of the directory (the management API's /v1.0/users): create, reset password, assign a role. */
export function UsersPage() {
  const s = useStyles();
  const { session, access } = useSession();
  const users = useAsync(() => management().listAll<UserJson>('/v1.0/users'), [session.tenantId]);
  const [creating, setCreating] = useState(false);
  const [draft, setDraft] = useState({ displayName: '', userName: '' });
  const [shownPassword, setShownPassword] = useState<{ user: string; password: string }>();
  const [toReset, setToReset] = useState<UserJson>();
  const [roleFor, setRoleFor] = useState<UserJson>();
  const [role, setRole] = useState(ROLES[6]![0]);
  const [error, setError] = useState<unknown>();
  const domain = session.domain ?? 'contoso.onmicrosoft.com';

  const create = async () => {
    setError(undefined);
    const password = generatedPassword();
    const upn = `${draft.userName.trim()}@${domain}`;
    try {
      await management().request('POST', '/v1.0/users', {
        accountEnabled: true,
        displayName: draft.displayName.trim(),
        mailNickname: draft.userName.trim(),
        userPrincipalName: upn,
        passwordProfile: { password, forceChangePasswordNextSignIn: false },
      });
      setCreating(false);
      setDraft({ displayName: '', userName: '' });
      setShownPassword({ user: upn, password });
      users.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page
      title="Users"
      crumbs={[{ label: 'Home', to: '/' }, { label: 'Users' }]}
      commands={
        <>
          <Button appearance="subtle" icon={<AddRegular />} disabled={!access.manageEntra} onClick={() => setCreating(true)}>
            New user
          </Button>
          <Button appearance="subtle" icon={<ArrowClockwiseRegular />} onClick={users.reload}>
            Refresh
          </Button>
        </>
      }
    >
      {shownPassword ? (
        <MessageBar intent="warning">
          <MessageBarBody>
            Password of {shownPassword.user}: <code>{shownPassword.password}</code> — give it to the user now; it is not shown again.
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {error && !creating ? <ErrorState error={error} /> : null}
      {users.status === 'error' ? <ErrorState error={users.error} onRetry={users.reload} /> : null}
      {users.status === 'loading' && !users.data ? <Loading label="Loading users…" /> : null}
      {users.data && users.data.length === 0 ? <Empty icon={<PersonRegular />} title="No users yet" /> : null}
      {users.data && users.data.length > 0 ? (
        <Table aria-label="Users" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Display name</TableHeaderCell>
              <TableHeaderCell>User principal name</TableHeaderCell>
              <TableHeaderCell>Account enabled</TableHeaderCell>
              <TableHeaderCell>
                <span className="visually-hidden">Actions</span>
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {users.data.map((u) => (
              <TableRow key={u.id}>
                <TableCell>{u.displayName}</TableCell>
                <TableCell>{u.userPrincipalName}</TableCell>
                <TableCell>{u.accountEnabled === false ? 'No' : 'Yes'}</TableCell>
                <TableCell>
                  <div className={s.actions}>
                    <Button size="small" disabled={!access.manageEntra} onClick={() => setToReset(u)}>
                      Reset password
                    </Button>
                    <Button size="small" disabled={!access.manageEntra} onClick={() => setRoleFor(u)}>
                      Assign role
                    </Button>
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
      <Dialog open={creating} onOpenChange={(_e, d) => !d.open && setCreating(false)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Create new user</DialogTitle>
            <DialogContent className={s.form}>
              {error ? <ErrorState error={error} /> : null}
              <Field label="User principal name" required hint={`@${domain}`}>
                <Input value={draft.userName} onChange={(_e, d) => setDraft({ ...draft, userName: d.value })} />
              </Field>
              <Field label="Display name" required>
                <Input value={draft.displayName} onChange={(_e, d) => setDraft({ ...draft, displayName: d.value })} />
              </Field>
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" disabled={!draft.userName.trim() || !draft.displayName.trim()} onClick={() => void create()}>
                Create
              </Button>
              <Button onClick={() => setCreating(false)}>Cancel</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
      <ConfirmDialog
        open={toReset !== undefined}
        title={`Reset the password of ${toReset?.displayName ?? ''}?`}
        confirmLabel="Reset password"
        onClose={() => setToReset(undefined)}
        onConfirm={async () => {
          const password = generatedPassword();
          try {
            await management().request('PATCH', `/v1.0/users/${toReset!.id}`, {
              passwordProfile: { password, forceChangePasswordNextSignIn: true },
            });
            setShownPassword({ user: toReset!.userPrincipalName, password });
          } catch (e) {
            setError(e);
          }
        }}
      >
        A temporary password is generated; the user changes it at the next sign-in.
      </ConfirmDialog>
      <Dialog open={roleFor !== undefined} onOpenChange={(_e, d) => !d.open && setRoleFor(undefined)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Assign a directory role to {roleFor?.displayName}</DialogTitle>
            <DialogContent className={s.form}>
              <FilterDropdown label="Role" value={role} onChange={setRole} options={ROLES} />
            </DialogContent>
            <DialogActions>
              <Button
                appearance="primary"
                onClick={async () => {
                  try {
                    await management().request('POST', '/v1.0/roleManagement/directory/roleAssignments', {
                      roleDefinitionId: role,
                      principalId: roleFor!.id,
                      directoryScopeId: '/',
                    });
                    setRoleFor(undefined);
                  } catch (e) {
                    setError(e);
                    setRoleFor(undefined);
                  }
                }}
              >
                Assign
              </Button>
              <Button onClick={() => setRoleFor(undefined)}>Cancel</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </Page>
  );
}
