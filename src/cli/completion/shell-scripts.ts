/**
 * Shell completion scripts. Each asks `tunectl __complete -- WORDS...` for candidates (one a
 * line; a last line `:files` asks for file-name completion), so commands, flags, run ids and
 * host names are always those of the installed tunectl and the current workspace.
 */
export const completionScripts = {
  bash: `# tunectl completion for bash: eval "$(tunectl completion bash)" (e.g. in ~/.bashrc)
_tunectl_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" out files=0 line
  out="$(tunectl __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" || return 0
  COMPREPLY=()
  while IFS= read -r line; do
    if [ "$line" = ":files" ]; then files=1; elif [ -n "$line" ]; then COMPREPLY+=("$line"); fi
  done <<< "$out"
  if [ "$files" = 1 ]; then COMPREPLY+=($(compgen -f -- "$cur")); fi
}
complete -o default -F _tunectl_complete tunectl
`,
  zsh: `#compdef tunectl
# tunectl completion for zsh: tunectl completion zsh > "\${fpath[1]}/_tunectl" (or eval it)
_tunectl() {
  local -a candidates
  local line files=0
  for line in "\${(@f)$(tunectl __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}"; do
    if [[ $line == ":files" ]]; then files=1; elif [[ -n $line ]]; then candidates+=("$line"); fi
  done
  (( \${#candidates} )) && compadd -- "\${candidates[@]}"
  (( files )) && _files
  return 0
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _tunectl "$@"; else compdef _tunectl tunectl; fi
`,
  fish: `# tunectl completion for fish: tunectl completion fish > ~/.config/fish/completions/tunectl.fish
function __tunectl_complete
    set -l words (commandline -opc)[2..-1] (commandline -ct)
    for line in (tunectl __complete -- $words 2>/dev/null)
        if test "$line" = ":files"
            __fish_complete_path (commandline -ct)
        else if test -n "$line"
            echo $line
        end
    end
end
complete -c tunectl -f -a '(__tunectl_complete)'
`,
} as const;

export type CompletionShell = keyof typeof completionScripts;
