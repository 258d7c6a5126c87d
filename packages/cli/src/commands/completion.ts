import type { Command } from 'commander';
import { UsageError } from '../connection.js';

const optionsOf = (c: Command) => [...c.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)), '--help'];
const visible = (c: Command) => c.commands.filter((s) => s.name() !== 'help');

/** The bash completion function, built from the program's own commands and options. */
export function bashCompletion(program: Command): string {
  const top = visible(program).map((c) => c.name());
  // Keyed by the command path ("alerts", "alerts list", "app secret add").
  const subs: [string, string[]][] = [];
  const opts: [string, string[]][] = [];
  const walk = (cmd: Command, key: string) => {
    const children = visible(cmd);
    if (children.length) {
      subs.push([key, children.map((c) => c.name())]);
      for (const c of children) walk(c, `${key} ${c.name()}`);
    } else opts.push([key, optionsOf(cmd)]);
  };
  for (const cmd of visible(program)) walk(cmd, cmd.name());
  const cases = (entries: [string, string[]][]) => entries.map(([k, w]) => `    "${k}") words="${w.join(' ')}" ;;`).join('\n');
  return `# appwarden bash completion: eval "$(appwarden completion bash)"
_appwarden() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" words="" path="" i
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${top.join(' ')}" -- "$cur")); return
  fi
  # The command path: the words before the cursor that are not options.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) break ;; *) path="\${path:+$path }\${COMP_WORDS[i]}" ;; esac
  done
  if [[ "$cur" == -* ]]; then
    # Positional arguments may follow the command: drop words from the end until one matches.
    while [ -n "$path" ]; do
      case "$path" in
${cases(opts)}
      esac
      [ -n "$words" ] && break
      if [[ "$path" == *" "* ]]; then path="\${path% *}"; else path=""; fi
    done
  else
    case "$path" in
${cases(subs)}
    esac
  fi
  if [ -n "$words" ]; then COMPREPLY=($(compgen -W "$words" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
}
complete -o filenames -F _appwarden appwarden
`;
}

/** `appwarden completion [bash|zsh]` */
export function registerCompletion(program: Command): void {
  program
    .command('completion [shell]')
    .description('Print a shell completion script: eval "$(appwarden completion bash)" (or zsh)')
    .action((shell: string | undefined) => {
      const sh = shell ?? (process.env.SHELL?.endsWith('zsh') ? 'zsh' : 'bash');
      if (sh === 'bash') process.stdout.write(bashCompletion(program));
      else if (sh === 'zsh') {
        process.stdout.write(
          `# appwarden zsh completion: eval "$(appwarden completion zsh)"\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n${bashCompletion(program)}`,
        );
      } else throw new UsageError(`unknown shell '${sh}': bash or zsh`);
    });
}
