/** Documented exit codes (docs/cli.md): scripts can tell failures apart. */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  authentication: 3,
  permission: 4,
  throttled: 5,
  notFound: 6,
} as const;
