package model

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"tessera/engine/infile"

	"tessera/engine/gpt"
	"tessera/engine/vqgan"
)

// Targets Tessera understands, by their taming class path.
const (
	targetVQModel     = "taming.models.vqgan.VQModel"
	targetGumbelVQ    = "taming.models.vqgan.GumbelVQ"
	targetSegVQ       = "taming.models.vqgan.VQSegmentationModel"
	targetNet2Net     = "taming.models.cond_transformer.Net2NetTransformer"
	targetGPT         = "taming.modules.transformer.mingpt.GPT"
	targetLabelator   = "taming.modules.util.Labelator"
	targetSOSProvider = "taming.modules.util.SOSProvider"
	targetIdentity    = "taming.modules.transformer.permuter.Identity"
)

// instantiable is taming's {target, params} pair.
type instantiable struct {
	Target string    `yaml:"target"`
	Params yaml.Node `yaml:"params"`
}

type vqParams struct {
	EmbedDim int            `yaml:"embed_dim"`
	NEmbed   int            `yaml:"n_embed"`
	DD       vqgan.DDConfig `yaml:"ddconfig"`
	NLabels  int            `yaml:"n_labels"`
}

type net2netParams struct {
	Transformer   instantiable  `yaml:"transformer_config"`
	FirstStage    instantiable  `yaml:"first_stage_config"`
	CondStage     yaml.Node     `yaml:"cond_stage_config"`
	Permuter      *instantiable `yaml:"permuter_config"`
	CondStageKey  string        `yaml:"cond_stage_key"`
	SOSToken      int           `yaml:"sos_token"`
	Unconditional bool          `yaml:"unconditional"`
}

// MaxConfigBytes bounds a config file: taming's are a few kilobytes.
const MaxConfigBytes = 16 << 20

// ReadYAML reads taming config files and merges them in order, later files
// overriding earlier ones key by key, as taming's main.py does with OmegaConf.
// The merge keeps each value's own node, so a value of the wrong type is
// reported at its line in the file it came from.
func ReadYAML(paths ...string) (*Spec, error) {
	merged, lines, err := MergeYAMLNode(paths...)
	if err != nil {
		return nil, err
	}
	name := strings.Join(paths, ", ")
	root := mappingValue(merged, "model")
	if root == nil {
		return nil, fmt.Errorf("model: %s: no top-level 'model' section", name)
	}
	var top instantiable
	if err := root.Decode(&top); err != nil {
		return nil, fmt.Errorf("model: %s: %w", name, lines(err))
	}
	spec, err := specFromTarget(top)
	if err != nil {
		return nil, fmt.Errorf("model: %s: %w", name, lines(err))
	}
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("%w (config %s)", err, name)
	}
	return spec, nil
}

// MergeYAML reads taming config files into one tree, later files
// overriding earlier ones key by key.
func MergeYAML(paths ...string) (map[string]any, error) {
	merged, lines, err := MergeYAMLNode(paths...)
	if err != nil {
		return nil, err
	}
	doc := map[string]any{}
	if err := merged.Decode(&doc); err != nil {
		return nil, fmt.Errorf("model: %s: %w", strings.Join(paths, ", "), lines(err))
	}
	return doc, nil
}

// lineStride separates the files' line numbers inside a merged tree: more
// lines than a config of MaxConfigBytes can have.
const lineStride = 2 * MaxConfigBytes

// MergeYAMLNode reads taming config files (regular files of at most
// MaxConfigBytes each) and merges their top-level mappings key by key,
// later files overriding earlier ones, keeping the nodes as parsed. The
// function returned rewrites the line numbers in a decoding error of the
// merged tree to the lines of the files they came from ("line 12 of
// b.yaml" when there are several files).
func MergeYAMLNode(paths ...string) (*yaml.Node, func(error) error, error) {
	merged := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i, p := range paths {
		data, err := infile.ReadFile(p, MaxConfigBytes, "config")
		if err != nil {
			return nil, nil, fmt.Errorf("model: %w", err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, nil, fmt.Errorf("model: %s: not a YAML config: %w", p, err)
		}
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		switch {
		case root.Kind == 0 || root.Kind == yaml.DocumentNode:
			continue // an empty file
		case root.Kind != yaml.MappingNode:
			return nil, nil, fmt.Errorf("model: %s: not a YAML config: line %d: the top level is not a mapping of keys to values", p, root.Line)
		}
		shiftLines(root, i*lineStride)
		mergeNodes(merged, root)
	}
	return merged, func(err error) error { return fileLines(err, paths) }, nil
}

// mappingValue returns the value of key in a mapping node, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// mergeNodes merges the mapping src into the mapping dst: a key in both
// whose values are both mappings is merged in turn, any other value of src
// replaces dst's. A value that is an alias is merged as a copy of what it
// names, so the anchor's other uses keep their values.
func mergeNodes(dst, src *yaml.Node) {
	for i := 0; i+1 < len(src.Content); i += 2 {
		k, v := src.Content[i], src.Content[i+1]
		found := false
		for j := 0; j+1 < len(dst.Content); j += 2 {
			if dst.Content[j].Value != k.Value || dst.Content[j].Kind != yaml.ScalarNode || k.Kind != yaml.ScalarNode {
				continue
			}
			found = true
			d := dst.Content[j+1]
			if dm, sm := resolved(d), resolved(v); dm.Kind == yaml.MappingNode && sm.Kind == yaml.MappingNode {
				if d.Kind == yaml.AliasNode {
					cp := *dm
					cp.Content = slices.Clone(dm.Content)
					cp.Anchor = ""
					d = &cp
					dst.Content[j+1] = d
				}
				mergeNodes(d, sm)
			} else {
				dst.Content[j+1] = v
			}
			break
		}
		if !found {
			dst.Content = append(dst.Content, k, v)
		}
	}
}

func resolved(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// shiftLines adds by to the line of every node of a file's tree (not
// following aliases, which point into the same tree).
func shiftLines(n *yaml.Node, by int) {
	if by == 0 {
		return
	}
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

var lineRef = regexp.MustCompile(`line (\d+)`)

// fileLines rewrites "line N" in err, N a line of the merged tree, to the
// line of the file it came from.
func fileLines(err error, paths []string) error {
	if err == nil || len(paths) < 2 {
		return err
	}
	msg := lineRef.ReplaceAllStringFunc(err.Error(), func(m string) string {
		n, convErr := strconv.Atoi(m[len("line "):])
		if convErr != nil || n/lineStride >= len(paths) {
			return m
		}
		return fmt.Sprintf("line %d of %s", n%lineStride, paths[n/lineStride])
	})
	return errors.New(msg)
}

func specFromTarget(top instantiable) (*Spec, error) {
	switch top.Target {
	case targetVQModel, targetGumbelVQ, targetSegVQ:
		fs, _, err := firstStage(top)
		if err != nil {
			return nil, err
		}
		return &Spec{Kind: KindVQGAN, FirstStage: fs}, nil
	case targetNet2Net:
		return net2net(top)
	case TargetClassifier:
		var p struct {
			DD    vqgan.DDConfig `yaml:"ddconfig"`
			Names []string       `yaml:"label_names"`
		}
		if err := top.Params.Decode(&p); err != nil {
			return nil, fmt.Errorf("%s params: %w", top.Target, err)
		}
		return &Spec{Kind: KindClassifier, FirstStage: vqgan.Config{DD: p.DD}, LabelNames: p.Names}, nil
	case "":
		return nil, fmt.Errorf("the model section has no target")
	}
	return nil, fmt.Errorf("unknown target %s (Tessera loads VQModel, GumbelVQ, VQSegmentationModel, Net2NetTransformer and its own %s)", top.Target, TargetClassifier)
}

// firstStage translates a VQ model block; it also returns its label count
// for segmentation models.
func firstStage(in instantiable) (vqgan.Config, int, error) {
	var p vqParams
	if err := in.Params.Decode(&p); err != nil {
		return vqgan.Config{}, 0, fmt.Errorf("%s params: %w", in.Target, err)
	}
	cfg := vqgan.Config{DD: p.DD, NEmbed: p.NEmbed, EmbedDim: p.EmbedDim, Quantizer: vqgan.VectorQuantizer, Beta: 0.25}
	switch in.Target {
	case targetVQModel:
	case targetGumbelVQ:
		cfg.Quantizer = vqgan.GumbelQuantizer
	case targetSegVQ:
		if p.NLabels > 0 {
			cfg.DD.InChannels, cfg.DD.OutCh = p.NLabels, p.NLabels
		}
	default:
		return cfg, 0, fmt.Errorf("unknown first-stage target %s", in.Target)
	}
	return cfg, cfg.DD.InChannels, nil
}

func net2net(top instantiable) (*Spec, error) {
	var p net2netParams
	p.CondStageKey = "depth" // taming's default
	if err := top.Params.Decode(&p); err != nil {
		return nil, fmt.Errorf("Net2NetTransformer params: %w", err)
	}
	if p.Transformer.Target != targetGPT {
		return nil, fmt.Errorf("unknown transformer target %q (Tessera loads %s)", p.Transformer.Target, targetGPT)
	}
	if p.Permuter != nil && p.Permuter.Target != targetIdentity {
		return nil, fmt.Errorf("permuter %s is not supported (only the identity raster order)", p.Permuter.Target)
	}
	var tc gpt.Config
	if err := p.Transformer.Params.Decode(&tc); err != nil {
		return nil, fmt.Errorf("transformer params: %w", err)
	}
	fs, _, err := firstStage(p.FirstStage)
	if err != nil {
		return nil, fmt.Errorf("first stage: %w", err)
	}
	spec := &Spec{Kind: KindNet2Net, FirstStage: fs, Transformer: &tc}
	cond, condStage, err := conditioning(p)
	if err != nil {
		return nil, err
	}
	spec.Cond, spec.CondStage = cond, condStage
	return spec, nil
}

func conditioning(p net2netParams) (*CondSpec, *vqgan.Config, error) {
	if p.Unconditional {
		return &CondSpec{Kind: CondNone, SOSToken: p.SOSToken}, nil, nil
	}
	if p.CondStage.Kind == yaml.ScalarNode {
		switch p.CondStage.Value {
		case "__is_unconditional__":
			return &CondSpec{Kind: CondNone, SOSToken: p.SOSToken}, nil, nil
		case "__is_first_stage__":
			return &CondSpec{Kind: CondFirstStage, Key: p.CondStageKey}, nil, nil
		}
		return nil, nil, fmt.Errorf("unknown cond_stage_config %q", p.CondStage.Value)
	}
	var cs instantiable
	if err := p.CondStage.Decode(&cs); err != nil {
		return nil, nil, fmt.Errorf("cond_stage_config: %w", err)
	}
	switch cs.Target {
	case targetLabelator:
		var lp struct {
			NClasses int `yaml:"n_classes"`
		}
		if err := cs.Params.Decode(&lp); err != nil {
			return nil, nil, fmt.Errorf("Labelator params: %w", err)
		}
		return &CondSpec{Kind: CondClass, Key: p.CondStageKey, Classes: lp.NClasses}, nil, nil
	case targetSOSProvider:
		var sp struct {
			SOSToken int `yaml:"sos_token"`
		}
		if err := cs.Params.Decode(&sp); err != nil {
			return nil, nil, fmt.Errorf("SOSProvider params: %w", err)
		}
		return &CondSpec{Kind: CondNone, SOSToken: sp.SOSToken}, nil, nil
	case targetVQModel, targetSegVQ, targetGumbelVQ:
		cfg, channels, err := firstStage(cs)
		if err != nil {
			return nil, nil, fmt.Errorf("cond stage: %w", err)
		}
		// One-hot label maps have a channel per label; depth (1 channel)
		// and images (3) are maps of values, not labels.
		labels := 0
		if cs.Target == targetSegVQ || p.CondStageKey == "segmentation" || (channels != 1 && channels != 3) {
			labels = channels
		}
		return &CondSpec{Kind: CondSpatial, Key: p.CondStageKey, Labels: labels}, &cfg, nil
	}
	return nil, nil, fmt.Errorf("cond stage %s is not supported (Tessera loads Labelator, SOSProvider and VQ cond stages)", cs.Target)
}

// findConfigs lists the YAML files of a taming log directory's configs/ folder.
func findConfigs(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	more, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	paths = append(paths, more...)
	sort.Strings(paths)
	return paths, nil
}
