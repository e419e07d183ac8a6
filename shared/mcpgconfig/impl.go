package mcpgconfig

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// notCheckedRest is always in Config.NotChecked.
const notCheckedRest = "the rest of the config (everything outside plugins:, gateway.plugin_registry and cluster.kind, including the license: block) is merged but not checked"

// layerNames mirrors mcpg src/main.rs: every $MCPG_CONFIG item is a FILE (std::env::split_paths, no
// scheme detection, an empty item stays and fails as "config file not found: "); the command's
// arguments are classified like `--config` specs (src/config/source.rs resolve): base64:/data:
// inline, http(s):// remote, file:// a local path, anything else a local path.
func layerNames(args []string, environ []string) (files, notChecked []string) {
	if len(args) == 0 {
		if v, ok := lookupEnv(environ, "MCPG_CONFIG"); ok {
			files = append(files, strings.Split(v, string(filepath.ListSeparator))...)
		}
		return files, nil
	}
	for _, s := range args {
		t := strings.TrimSpace(s)
		switch {
		case strings.HasPrefix(t, "base64:"), strings.HasPrefix(t, "data:"):
			notChecked = append(notChecked, "inline config layer "+inlineLabel(t)+" (not read: only local files are checked)")
		case strings.HasPrefix(t, "https://"), strings.HasPrefix(t, "http://"):
			notChecked = append(notChecked, "remote config layer "+redactURL(t)+" (not fetched: only local files are checked)")
		case strings.HasPrefix(t, "file://"):
			files = append(files, strings.TrimPrefix(t, "file://"))
		default:
			files = append(files, t)
		}
	}
	return files, notChecked
}

func inlineLabel(t string) string {
	scheme, _, _ := strings.Cut(t, ":")
	return scheme + ":<" + fmt.Sprint(len(t)-len(scheme)-1) + " bytes encoded>"
}

// redactURL drops userinfo and the query (they may carry tokens).
func redactURL(u string) string {
	scheme, rest, _ := strings.Cut(u, "://")
	if at := strings.LastIndex(strings.SplitN(rest, "/", 2)[0], "@"); at >= 0 {
		rest = "***@" + rest[at+1:]
	}
	if q := strings.IndexAny(rest, "?#"); q >= 0 {
		rest = rest[:q] + "?…"
	}
	return scheme + "://" + rest
}

func load(files []string, environ []string, opts Options) (*Config, error) {
	names, notChecked := layerNames(files, environ)
	if len(names) == 0 && len(notChecked) == 0 {
		return nil, errors.New("no config layer: give config files as arguments or set MCPG_CONFIG")
	}
	read := opts.ReadFile
	if read == nil {
		read = func(name string) ([]byte, error) { return readBounded(name, maxFileSize(opts)) }
	}
	var layers []Layer
	stdinRead := false
	for _, n := range names {
		if n == "-" {
			switch {
			case opts.Stdin == nil:
				return nil, errors.New("a config layer from stdin (-) cannot be read here")
			case stdinRead:
				return nil, errors.New("stdin (-) is given twice as a config layer")
			}
			stdinRead = true
			data, err := readStdin(opts.Stdin, maxFileSize(opts))
			if err != nil {
				return nil, err
			}
			layers = append(layers, Layer{Name: StdinLayer, Data: data})
			continue
		}
		data, err := read(n)
		if err != nil {
			return nil, err
		}
		layers = append(layers, Layer{Name: n, Data: data})
	}
	return loadLayers(layers, notChecked, environ, opts)
}

func maxFileSize(opts Options) int64 {
	if opts.MaxFileSize > 0 {
		return opts.MaxFileSize
	}
	return DefaultMaxFileSize
}

func readStdin(r io.Reader, max int64) ([]byte, error) {
	data, err := fileio.ReadSmallFrom(r, "stdin", max, "a config layer")
	var tooLarge *fileio.TooLargeError
	if errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("stdin: config is over the %d-byte limit", max)
	}
	return data, err
}

// readBounded reads a config layer the user named: a regular file, or a pipe (bash's <(…)) that
// must start sending within fileio.PipeWait; a directory or a device is refused unread.
func readBounded(name string, max int64) ([]byte, error) {
	f, err := fileio.Open(name, "a YAML config file")
	if err != nil {
		var ke *fileio.KindError
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("config file not found: %s", name)
		case errors.As(err, &ke) && ke.Kind == "a directory":
			return nil, fmt.Errorf("%s: is a directory, expected a YAML config file", name)
		}
		return nil, err
	}
	defer f.Close()
	data, err := fileio.ReadSmallFrom(f, name, max, "a config layer")
	var tooLarge *fileio.TooLargeError
	if errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("%s: config file is over the %d-byte limit", name, max)
	}
	return data, err
}

func loadLayers(layers []Layer, notChecked []string, environ []string, opts Options) (*Config, error) {
	cfg := &Config{NotChecked: append(notChecked, notCheckedRest)}
	d := &decoder{index: -1, workDir: opts.WorkDir}
	if d.workDir == "" {
		d.workDir, _ = os.Getwd()
	}
	var root *node
	for _, l := range layers {
		cfg.Layers = append(cfg.Layers, l.Name)
		if max := maxFileSize(opts); int64(len(l.Data)) > max {
			d.add(SeverityError, Pos{File: l.Name}, "", fmt.Sprintf("config layer is over the %d-byte limit", max))
			continue
		}
		t, diag := parseLayer(l.Name, l.Data)
		if diag != nil {
			diag.Severity = SeverityError
			d.diags = append(d.diags, *diag)
			continue
		}
		root = merge(root, t)
	}
	if !opts.NoEnv {
		root = merge(root, envOverlay(environ))
	}
	if root == nil {
		root = &node{kind: kMap}
	}
	cfg.Registry = d.decodeRegistry(root, environ)
	if gw := root.get("gateway"); gw != nil {
		if ov := gw.get("config_overlay"); ov != nil && ov.kind == kSeq && len(ov.seq) > 0 {
			cfg.NotChecked = append(cfg.NotChecked, fmt.Sprintf("gateway.config_overlay (%d URI(s) snapshotted through config_provider plugins at boot) is not read", len(ov.seq)))
		}
	}
	if n := root.get("plugins"); n != nil {
		if n.kind != kSeq {
			d.invalidType(n, "plugins", "a sequence")
		} else {
			var decoded []bool
			for i, it := range n.seq {
				d.index, d.alias = i, ""
				p, _, ok := d.decodePlugin(i, it, &cfg.Registry)
				cfg.Plugins = append(cfg.Plugins, p)
				decoded = append(decoded, ok)
			}
			d.validatePlugins(cfg.Plugins, decoded)
		}
	}
	d.clusterCoordinator(root.get("cluster"), cfg.Plugins)
	cfg.Diagnostics = d.diags
	if cfg.Plugins == nil {
		cfg.Plugins = []Plugin{}
	}
	return cfg, nil
}

// clusterCoordinator is build_plugin_registry's check that a cluster coordinator other than
// single_node is a plugins[] entry (mcpg src/app/plugin_registry/mod.rs, src/config/cluster.rs
// plugin_id): cluster.kind K selects the entry whose id is dev.mcpg.cluster.K, and the cluster
// block's settings replace that entry's config:. Only cluster.kind is read; the rest of the
// cluster block is not checked.
func (d *decoder) clusterCoordinator(cluster *node, plugins []Plugin) {
	kind := cluster.get("kind")
	if kind == nil || kind.kind != kString || kind.str == "single_node" {
		return
	}
	id := "dev.mcpg.cluster." + kind.str
	for i := range plugins {
		if plugins[i].Alias == id {
			if string(plugins[i].ConfigJSON) != "null" {
				d.index, d.alias = plugins[i].Index, id
				d.add(SeverityWarning, plugins[i].FieldPos("config"), fmt.Sprintf("plugins[%d].config", i),
					"cluster.kind '"+kind.str+"' selects this entry as the cluster coordinator: the gateway replaces its config: with the cluster: block's settings")
				d.index, d.alias = -1, ""
			}
			return
		}
	}
	d.add(SeverityError, kind.pos, "cluster.kind", fmt.Sprintf("cluster.kind='%s' selects plugin '%s' but no `plugins[]` row declares that plugin id. Add an entry that points at the cdylib (source.oci or source.path).", kind.str, id))
}
