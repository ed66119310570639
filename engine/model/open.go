package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"tessera/engine/ckpt"
	"tessera/engine/classify"
	"tessera/engine/gpt"
	"tessera/engine/infile"
	"tessera/engine/vqgan"
	"tessera/engine/weights"
)

// Metadata keys of Tessera's safetensors format.
const (
	metaFormat = "tessera.format"
	metaSpec   = "tessera.spec"
	formatV1   = "1"
)

// ErrNoConfig is wrapped by the error of a checkpoint opened without its
// YAML config, none being found beside it: the studio offers a file picker
// for it, the command line its --config flag.
var ErrNoConfig = errors.New("no config found")

// Model is an opened model: its description, where it came from and the
// networks built from its weights.
type Model struct {
	Spec        Spec
	WeightsPath string   // the checkpoint or safetensors file
	ConfigPaths []string // the YAML files the spec came from (none for Tessera files)
	Format      string   // "torch-zip", "torch-legacy" or "safetensors"

	FirstStage *vqgan.Model
	// CondStage and Transformer are nil when the model was opened with
	// OpenFirstStage, and so is the half of FirstStage it did not ask for.
	CondStage   *vqgan.Model // spatial conditioning only
	Transformer *gpt.Model
	Classifier  *classify.Classifier // a classifier alone: the other networks are nil
}

// scope says what open builds: every network, or of the first stage only
// the given parts (and nothing of a Net2Net model's transformer and cond
// stage). A classifier is always built whole.
type scope struct {
	firstStageOnly bool
	parts          vqgan.Parts
}

var wholeModel = scope{parts: vqgan.AllParts}

// Open loads a model from a taming log directory, a checkpoint (with
// configPath, or a config found beside it) or a Tessera safetensors file.
func Open(path, configPath string) (*Model, error) {
	return open(path, configPath, wholeModel, func(s weights.Source) weights.Source { return s })
}

// OpenFirstStage loads a model as Open does, but only the given parts of
// its first stage (vqgan.DecoderPart to decode): the weights of the rest,
// a Net2Net model's transformer and cond stage included, are neither read
// nor checked, so encoding and decoding pay only for what they use.
func OpenFirstStage(path, configPath string, parts vqgan.Parts) (*Model, error) {
	return open(path, configPath, scope{firstStageOnly: true, parts: parts}, func(s weights.Source) weights.Source { return s })
}

// open finds, reads and builds a model; wrap may interpose on the weights
// (Convert records them).
func open(path, configPath string, sc scope, wrap func(weights.Source) weights.Source) (*Model, error) {
	weightsPath, configs, err := locate(path, configPath)
	if err != nil {
		return nil, err
	}
	f, err := openWeights(weightsPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	spec, configs, err := specFor(f, configs)
	if err != nil {
		return nil, err
	}
	m, err := build(spec, wrap(newFileSource(f)), sc)
	if err != nil {
		return nil, err
	}
	m.WeightsPath, m.ConfigPaths, m.Format = weightsPath, configs, f.Format
	return m, nil
}

// Build assembles the networks a spec describes from a weight source keyed
// like taming's checkpoints.
func Build(spec *Spec, src weights.Source) (*Model, error) {
	return build(spec, src, wholeModel)
}

func build(spec *Spec, src weights.Source, sc scope) (*Model, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if err := checkStructure(spec, src, sc); err != nil {
		return nil, err
	}
	m := &Model{Spec: *spec}
	var err error
	if spec.Kind == KindClassifier {
		m.Classifier, err = classify.Load(src, "", spec.FirstStage.DD, spec.LabelNames)
		return m, err
	}
	if spec.Kind == KindVQGAN {
		m.FirstStage, err = vqgan.LoadParts(src, "", spec.FirstStage, sc.parts)
		return m, err
	}
	if m.FirstStage, err = vqgan.LoadParts(src, "first_stage_model.", spec.FirstStage, sc.parts); err != nil {
		return nil, fmt.Errorf("first stage: %w", err)
	}
	if sc.firstStageOnly {
		return m, nil
	}
	if m.Transformer, err = gpt.Load(src, "transformer.", *spec.Transformer); err != nil {
		return nil, fmt.Errorf("transformer: %w", err)
	}
	switch spec.Cond.Kind {
	case CondSpatial:
		if m.CondStage, err = vqgan.Load(src, "cond_stage_model.", *spec.CondStage); err != nil {
			return nil, fmt.Errorf("cond stage: %w", err)
		}
	case CondFirstStage:
		m.CondStage = m.FirstStage
	}
	return m, nil
}

// specFor reads the spec from a Tessera file's metadata or from YAML configs.
func specFor(f *ckpt.File, configs []string) (*Spec, []string, error) {
	if raw, ok := f.Metadata[metaSpec]; ok {
		if v := f.Metadata[metaFormat]; v != formatV1 {
			return nil, nil, fmt.Errorf("model: %s: Tessera format version %q is not supported (this build reads %q)", f.Path, v, formatV1)
		}
		var spec Spec
		if err := json.Unmarshal([]byte(raw), &spec); err != nil {
			return nil, nil, fmt.Errorf("model: %s: bad model description in metadata: %w", f.Path, err)
		}
		return &spec, nil, nil
	}
	if len(configs) == 0 {
		return nil, nil, fmt.Errorf("model: %s: %w: pass --config FILE.yaml (looked for *.yaml beside it and in ../configs)", f.Path, ErrNoConfig)
	}
	spec, err := ReadYAML(configs...)
	return spec, configs, err
}

// locate finds the weights file and config files for a user-given path.
func locate(path, configPath string) (string, []string, error) {
	if IsBuiltin(path) {
		return path, nil, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", nil, fmt.Errorf("model: %w", err)
	}
	if !st.IsDir() && !st.Mode().IsRegular() {
		// A FIFO would block the open, a device read without end.
		return "", nil, fmt.Errorf("model: %w", &infile.NotRegularError{Path: path, Mode: st.Mode()})
	}
	var configs []string
	if configPath != "" {
		if fi, err := os.Stat(configPath); err == nil && !fi.Mode().IsRegular() {
			return "", nil, fmt.Errorf("model: config %w", &infile.NotRegularError{Path: configPath, Mode: fi.Mode()})
		}
		configs = []string{configPath}
	}
	if !st.IsDir() {
		if configs == nil && !strings.EqualFold(filepath.Ext(path), ".safetensors") {
			dir := filepath.Dir(path)
			configs = firstNonEmpty(yamlFiles(dir), yamlFiles(filepath.Join(dir, "..", "configs")))
		}
		return path, configs, nil
	}
	weightsPath, err := checkpointIn(path)
	if err != nil {
		return "", nil, err
	}
	if configs == nil {
		configs = firstNonEmpty(yamlFiles(filepath.Join(path, "configs")), yamlFiles(path))
	}
	return weightsPath, configs, nil
}

// checkpointIn picks a log directory's checkpoint: checkpoints/last.ckpt,
// else the newest .ckpt there, else a lone weights file in the directory.
func checkpointIn(dir string) (string, error) {
	last := filepath.Join(dir, "checkpoints", "last.ckpt")
	if _, err := os.Stat(last); err == nil {
		return last, nil
	}
	for _, pattern := range []string{filepath.Join(dir, "checkpoints", "*.ckpt"), filepath.Join(dir, "*.ckpt"), filepath.Join(dir, "*.safetensors")} {
		matches, _ := filepath.Glob(pattern)
		if len(matches) > 0 {
			return newest(matches), nil
		}
	}
	return "", errors.New("model: " + dir + ": no model in this folder (expected a taming log directory, checkpoints/*.ckpt with configs/*.yaml, or a .ckpt with its .yaml, or a .safetensors file)")
}

func newest(paths []string) string {
	sort.Slice(paths, func(i, j int) bool {
		a, _ := os.Stat(paths[i])
		b, _ := os.Stat(paths[j])
		if a == nil || b == nil {
			return paths[i] > paths[j]
		}
		return a.ModTime().After(b.ModTime())
	})
	return paths[0]
}

func yamlFiles(dir string) []string {
	paths, _ := findConfigs(dir)
	return paths
}

func firstNonEmpty(lists ...[]string) []string {
	for _, l := range lists {
		if len(l) > 0 {
			return l
		}
	}
	return nil
}
