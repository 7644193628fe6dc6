import type { Command } from 'commander';
import { CliError } from '../errors.js';

interface Node {
  path: string[];
  subcommands: string[];
  options: string[];
}

function walk(command: Command, path: string[] = []): Node[] {
  const options = command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
  const subcommands = command.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  return [
    { path, subcommands, options: [...options, '--help'] },
    ...command.commands.flatMap((c) =>
      [c.name(), ...c.aliases()].flatMap((name) => walk(c, [...path, name])),
    ),
  ];
}

function bash(nodes: Node[], globals: string[]): string {
  const cases = nodes
    .map(
      (n) =>
        `    "${n.path.join(' ')}") words="${[...n.subcommands, ...n.options, ...globals].join(' ')}" ;;`,
    )
    .join('\n');
  return `# hb completion for bash: eval "$(hb completion bash)"
_hb() {
  local cur cmdpath="" i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmdpath="\${cmdpath:+$cmdpath }\${COMP_WORDS[i]}" ;; esac
  done
  local words=""
  case "$cmdpath" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _hb hb
`;
}

function zsh(nodes: Node[], globals: string[]): string {
  const cases = nodes
    .map(
      (n) =>
        `    "${n.path.join(' ')}") candidates=(${[...n.subcommands, ...n.options, ...globals].join(' ')}) ;;`,
    )
    .join('\n');
  return `#compdef hb
# hb completion for zsh: eval "$(hb completion zsh)"
_hb() {
  local cmdpath="" w
  local -a candidates
  for w in \${words[2,CURRENT-1]}; do [[ $w == -* ]] || cmdpath="\${cmdpath:+$cmdpath }$w"; done
  case "$cmdpath" in
${cases}
  esac
  compadd -- $candidates
}
compdef _hb hb
`;
}

function fish(nodes: Node[]): string {
  const lines = ['# hb completion for fish: hb completion fish | source', 'complete -c hb -f'];
  for (const n of nodes) {
    const condition =
      n.path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${n.path.at(-1)}`;
    for (const sub of n.subcommands) lines.push(`complete -c hb -n '${condition}' -a ${sub}`);
    for (const option of n.options.filter((o) => o.startsWith('--')))
      lines.push(`complete -c hb -n '${condition}' -l ${option.slice(2)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function completionCommand(program: Command): void {
  program
    .command('completion <shell>')
    .description('Print a completion script for bash, zsh or fish')
    .action((shell: string) => {
      const nodes = walk(program);
      const globals = ['--json', '--no-color'];
      if (shell === 'bash') process.stdout.write(bash(nodes, globals));
      else if (shell === 'zsh') process.stdout.write(zsh(nodes, globals));
      else if (shell === 'fish') process.stdout.write(fish(nodes));
      else throw new CliError(`unknown shell "${shell}": bash, zsh or fish`);
    });
}
