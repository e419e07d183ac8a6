package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// The three scripts share one shape, so they complete alike: a node function maps a command path
// ("", "verify", "cache gc") to its subcommands, flags and value-taking flags; the completion
// function walks the words before the cursor from the root (skipping flags and their values,
// descending on a subcommand name), then offers the node's flags after "-", its subcommands, or
// file names (a flag's value, a command's arguments).

// completionNode is one command path of the tree with what completes after it.
type completionNode struct {
	path  string
	subs  []cli.CommandSpec
	flags []cli.FlagSpec
}

func completionNodes(root cli.CommandSpec) []completionNode {
	var nodes []completionNode
	var walk func(path string, c cli.CommandSpec)
	walk = func(path string, c cli.CommandSpec) {
		if len(c.Subcommands) > 0 || len(c.Flags) > 0 { // any other path completes file names
			nodes = append(nodes, completionNode{path: path, subs: c.Subcommands, flags: c.Flags})
		}
		for _, s := range c.Subcommands {
			walk(strings.TrimSpace(path+" "+s.Name), s)
		}
	}
	walk("", root)
	return nodes
}

// flagWords are a node's flags as typed (--long, -s); valueWords those that take a value.
func flagWords(flags []cli.FlagSpec) (all, value []string) {
	for _, f := range flags {
		for _, w := range flagNames(f) {
			all = append(all, w)
			if f.Value {
				value = append(value, w)
			}
		}
	}
	return all, value
}

func flagNames(f cli.FlagSpec) []string {
	var names []string
	if f.Long != "" {
		names = append(names, "--"+f.Long)
	}
	if f.Short != "" {
		names = append(names, "-"+f.Short)
	}
	return names
}

func subNames(subs []cli.CommandSpec) []string {
	var names []string
	for _, s := range subs {
		names = append(names, s.Name)
	}
	return names
}

// shellFunc turns a program name into a shell function name: _mcpg_plugins.
func shellFunc(self string) string {
	return "_" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, self)
}

// singleQuote quotes s for sh, bash and zsh.
func singleQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// fishQuote quotes s for fish, where \ and ' are the escapes inside single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// oneLine keeps a description to one short line for the shells' menus.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}

func writeBashCompletion(w io.Writer, self string, names []string, root cli.CommandSpec) {
	fn := shellFunc(self)
	fmt.Fprintf(w, `# bash completion for %[2]s, written by '%[1]s completion bash' from the installed tools.
# Load it with: source <(%[1]s completion bash)

%[3]s_node() {
    # Sets subs, flags and vflags (flags that take a value) for the command path $1.
    subs= flags= vflags=
    case $1 in
`, self, strings.Join(names, ", "), fn)
	for _, n := range completionNodes(root) {
		all, value := flagWords(n.flags)
		fmt.Fprintf(w, "    %s) subs=%s flags=%s vflags=%s ;;\n", singleQuote(n.path),
			singleQuote(strings.Join(subNames(n.subs), " ")), singleQuote(strings.Join(all, " ")), singleQuote(strings.Join(value, " ")))
	}
	fmt.Fprintf(w, `    esac
}

%[1]s_files() {
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$1"))
}

%[1]s() {
    local cur=${COMP_WORDS[COMP_CWORD]} node= w i expect= flagsdone= subs flags vflags
    COMPREPLY=()
    %[1]s_node ''
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -n $expect ]]; then
            [[ $w == = ]] || expect=   # "--key=" arrives as "--key" "=" when = breaks words
            continue
        fi
        if [[ -z $flagsdone ]]; then
            case $w in
            --) flagsdone=1; continue ;;
            -*=*) continue ;;
            -?*) [[ " $vflags " == *" $w "* ]] && expect=1; continue ;;
            esac
        fi
        if [[ -n $subs && " $subs " == *" $w "* ]]; then
            node=${node:+$node }$w
            %[1]s_node "$node"
        else
            subs=   # an argument: no subcommand follows it
        fi
    done
    if [[ -n $expect ]]; then
        [[ $cur == = ]] && cur=
        %[1]s_files "$cur"
        return
    fi
    if [[ -z $flagsdone && $cur == -* ]]; then
        if [[ $cur == -*=* && " $vflags " == *" ${cur%%%%=*} "* ]]; then
            %[1]s_files "${cur#*=}"
            COMPREPLY=("${COMPREPLY[@]/#/${cur%%%%=*}=}")
            return
        fi
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
        return
    fi
    if [[ -n $subs ]]; then
        COMPREPLY=($(compgen -W "$subs" -- "$cur"))
        return
    fi
    %[1]s_files "$cur"
}

complete -F %[1]s %[2]s
`, fn, strings.Join(names, " "))
}

func writeZshCompletion(w io.Writer, self string, names []string, root cli.CommandSpec) {
	fn := shellFunc(self)
	fmt.Fprintf(w, `#compdef %[2]s
# zsh completion for %[2]s, written by '%[1]s completion zsh' from the installed tools.
# Load it with: source <(%[1]s completion zsh)   (after compinit), or save it as _%[1]s on $fpath.

%[3]s_node() {
    # Sets subs and flags ("name:description") and vflags (flags that take a value) for the
    # command path $1.
    subs=() flags=() vflags=()
    case $1 in
`, self, strings.Join(names, " "), fn)
	for _, n := range completionNodes(root) {
		var subs, flags []string
		for _, s := range n.subs {
			subs = append(subs, singleQuote(s.Name+":"+oneLine(s.Summary)))
		}
		for _, f := range n.flags {
			for _, name := range flagNames(f) {
				flags = append(flags, singleQuote(name+":"+oneLine(f.Usage)))
			}
		}
		_, value := flagWords(n.flags)
		fmt.Fprintf(w, "    (%s)\n        subs=(%s)\n        flags=(%s)\n        vflags=(%s) ;;\n",
			singleQuote(n.path), strings.Join(subs, " "), strings.Join(flags, " "), strings.Join(value, " "))
	}
	fmt.Fprintf(w, `    esac
}

%[1]s() {
    local -a subs flags vflags names
    local cur=${words[CURRENT]} node= w i expect= flagsdone=
    %[1]s_node ''
    for (( i = 2; i < CURRENT; i++ )); do
        w=${words[i]}
        if [[ -n $expect ]]; then
            expect=
            continue
        fi
        if [[ -z $flagsdone ]]; then
            case $w in
            (--) flagsdone=1; continue ;;
            (-*=*) continue ;;
            (-?*) (( ${vflags[(Ie)$w]} )) && expect=1; continue ;;
            esac
        fi
        names=(${subs%%%%:*})
        if (( ${names[(Ie)$w]} )); then
            node=${node:+$node }$w
            %[1]s_node "$node"
        else
            subs=()   # an argument: no subcommand follows it
        fi
    done
    if [[ -n $expect ]]; then
        _files
    elif [[ -z $flagsdone && $cur == -* ]]; then
        if [[ $cur == -*=* ]] && (( ${vflags[(Ie)${cur%%%%=*}]} )); then
            compset -P '*='
            _files
        else
            _describe -t flags flag flags
        fi
    elif (( ${#subs} )); then
        _describe -t commands command subs
    else
        _files
    fi
}

if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
    %[1]s "$@"
else
    compdef %[1]s %[2]s
fi
`, fn, strings.Join(names, " "))
}

func writeFishCompletion(w io.Writer, self string, names []string, root cli.CommandSpec) {
	fn := strings.TrimPrefix(shellFunc(self), "_")
	nodes := completionNodes(root)
	fmt.Fprintf(w, `# fish completion for %[2]s, written by '%[1]s completion fish' from the installed tools.
# Load it with: %[1]s completion fish | source

function __%[3]s_subs --description 'the subcommands of a command path'
    switch "$argv[1]"
`, self, strings.Join(names, ", "), fn)
	for _, n := range nodes {
		if len(n.subs) > 0 {
			fmt.Fprintf(w, "        case %s\n            printf '%%s\\n' %s\n", fishQuote(n.path), strings.Join(subNames(n.subs), " "))
		}
	}
	fmt.Fprintf(w, `    end
end

function __%[1]s_vflags --description 'the flags of a command path that take a value'
    switch "$argv[1]"
`, fn)
	for _, n := range nodes {
		if _, value := flagWords(n.flags); len(value) > 0 {
			fmt.Fprintf(w, "        case %s\n            printf '%%s\\n' -- %s\n", fishQuote(n.path), strings.Join(value, " "))
		}
	}
	fmt.Fprintf(w, `    end
end

function __%[1]s_node --description 'the command path before the cursor'
    set -l node ''
    set -l expect 0
    set -l flagsdone 0
    for w in (commandline -opc)[2..-1]
        if test $expect = 1
            set expect 0
            continue
        end
        if test $flagsdone = 0
            switch $w
                case --
                    set flagsdone 1
                    continue
                case '-*=*'
                    continue
                case '-?*'
                    contains -- $w (__%[1]s_vflags "$node"); and set expect 1
                    continue
            end
        end
        contains -- $w (__%[1]s_subs "$node"); or break
        set node (string trim -- "$node $w")
    end
    echo $node
end

function __%[1]s_at --description 'is the command path before the cursor $argv[1]'
    test (__%[1]s_node) = "$argv[1]"
end

`, fn)
	for _, name := range names {
		for _, n := range nodes {
			cond := fishQuote(fmt.Sprintf("__%s_at %s", fn, fishQuote(n.path)))
			for _, s := range n.subs {
				fmt.Fprintf(w, "complete -c %s -n %s -f -a %s -d %s\n", name, cond, fishQuote(s.Name), fishQuote(oneLine(s.Summary)))
			}
			for _, f := range n.flags {
				line := fmt.Sprintf("complete -c %s -n %s", name, cond)
				if f.Long != "" {
					line += " -l " + f.Long
				}
				if f.Short != "" {
					line += " -s " + f.Short
				}
				if f.Value {
					line += " -r -F"
				}
				if f.Usage != "" {
					line += " -d " + fishQuote(oneLine(f.Usage))
				}
				fmt.Fprintln(w, line)
			}
		}
	}
}
