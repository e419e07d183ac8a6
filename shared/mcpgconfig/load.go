package mcpgconfig

// Load reads the layers as the gateway boots them and checks the plugins part.
//
// files are the layer specs in merge order (the command's arguments); when empty, $MCPG_CONFIG from
// environ is split with the OS path-list separator, as the gateway's main does (see LayerNames).
// environ is the process environment as KEY=VALUE strings (os.Environ() in a main; a fixed list in
// tests); it is never read from the process directly.
//
// Load returns an error only when a local layer cannot be read (missing — "config file not found:
// <path>" as the gateway says —, unreadable, a directory, or over Options.MaxFileSize) or when there
// is no layer at all; every problem inside the YAML is a Diagnostic in the returned Config.
func Load(files []string, environ []string, opts Options) (*Config, error) {
	return load(files, environ, opts)
}

// LoadBytes is Load over in-memory layers: name is used in positions and to resolve relative
// source.path values (its directory), data is the YAML text.
func LoadBytes(layers []Layer, environ []string, opts Options) (*Config, error) {
	return loadLayers(layers, nil, environ, opts)
}

// Layer is one in-memory config layer.
type Layer struct {
	Name string
	Data []byte
}

// LayerNames returns the layers Load would read. With args, each is classified as the gateway's
// `--config` flag classifies it (src/config/source.rs resolve): remote (http://, https://) and
// inline (base64:, data:) specs come back in notChecked (URL credentials and queries redacted),
// file:// is stripped, anything else is a local file. Without args, $MCPG_CONFIG is split with the
// OS path-list separator and every item is a local file, as the gateway's main does (a URL in
// MCPG_CONFIG is split at its colon by the gateway too; an empty item is kept and is not found).
func LayerNames(args []string, environ []string) (files, notChecked []string) {
	return layerNames(args, environ)
}
