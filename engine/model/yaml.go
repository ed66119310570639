package model

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

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

// ReadYAML reads taming config files and merges them in order, later files
// overriding earlier ones key by key, as taming's main.py does with OmegaConf.
func ReadYAML(paths ...string) (*Spec, error) {
	merged, err := MergeYAML(paths...)
	if err != nil {
		return nil, err
	}
	name := strings.Join(paths, ", ")
	root, ok := merged["model"]
	if !ok {
		return nil, fmt.Errorf("model: %s: no top-level 'model' section", name)
	}
	data, err := yaml.Marshal(root)
	if err != nil {
		return nil, fmt.Errorf("model: %s: %w", name, err)
	}
	var top instantiable
	if err := yaml.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("model: %s: %w", name, err)
	}
	spec, err := specFromTarget(top)
	if err != nil {
		return nil, fmt.Errorf("model: %s: %w", name, err)
	}
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("%w (config %s)", err, name)
	}
	return spec, nil
}

// MergeYAML reads taming config files into one tree, later files
// overriding earlier ones key by key.
func MergeYAML(paths ...string) (map[string]any, error) {
	merged := map[string]any{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("model: %s: not a YAML config: %w", p, err)
		}
		mergeMaps(merged, doc)
	}
	return merged, nil
}

func mergeMaps(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergeMaps(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
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
