package train

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"tessera/engine/model"
)

// taming targets of the training objectives.
const (
	targetVQLPIPS   = "taming.modules.losses.vqperceptual.VQLPIPSWithDiscriminator"
	targetBCEQuant  = "taming.modules.losses.segmentation.BCELossWithQuant"
	targetDummyLoss = "taming.modules.losses.DummyLoss"
)

// Recipe is what a taming config says about training beyond the networks
// model.ReadYAML builds: the learning rate and the objective.
type Recipe struct {
	BaseLearningRate float64
	LossTarget       string
	VQGAN            VQGANLoss // for VQLPIPSWithDiscriminator
	CodebookWeight   float64   // BCELossWithQuant's weight of the codebook loss
	PKeep            float64   // Net2NetTransformer's pkeep
}

// ReadRecipe reads the training parts of taming config files, merged as
// taming's main.py merges them. Objectives Tessera does not train are
// errors that say which they are.
func ReadRecipe(paths ...string) (*Recipe, error) {
	root, lines, err := model.MergeYAMLNode(paths...)
	if err != nil {
		return nil, err
	}
	r, err := recipeFromNode(root, strings.Join(paths, ", "))
	return r, lines(err)
}

// recipeFromTree reads a recipe from a parsed config named name.
func recipeFromTree(tree map[string]any, name string) (*Recipe, error) {
	var root yaml.Node
	if err := root.Encode(tree); err != nil {
		return nil, fmt.Errorf("train: %s: %w", name, err)
	}
	return recipeFromNode(&root, name)
}

// recipeFromNode reads a recipe from a config's node tree, whose lines
// are the file's, so errors name them.
func recipeFromNode(root *yaml.Node, name string) (*Recipe, error) {
	var doc struct {
		Model struct {
			BaseLearningRate *float64 `yaml:"base_learning_rate"`
			Target           string   `yaml:"target"`
			Params           struct {
				PKeep      *float64 `yaml:"pkeep"`
				LossConfig struct {
					Target string    `yaml:"target"`
					Params yaml.Node `yaml:"params"`
				} `yaml:"lossconfig"`
			} `yaml:"params"`
		} `yaml:"model"`
	}
	if err := root.Decode(&doc); err != nil {
		return nil, fmt.Errorf("train: %s: %w", name, err)
	}
	m := doc.Model
	switch {
	case strings.HasSuffix(m.Target, ".GumbelVQ"):
		return nil, fmt.Errorf("train: %s: %s uses the Gumbel quantizer, which Tessera does not train (it trains VQModel's nearest-entry quantizer)", name, m.Target)
	case strings.HasSuffix(m.Target, ".EMAVQ"):
		return nil, fmt.Errorf("train: %s: %s uses the EMA quantizer, which Tessera does not train (it trains VQModel's nearest-entry quantizer)", name, m.Target)
	}
	r := &Recipe{BaseLearningRate: 4.5e-6, LossTarget: m.Params.LossConfig.Target, VQGAN: DefaultVQGANLoss(), CodebookWeight: 1, PKeep: 1}
	if m.BaseLearningRate != nil {
		r.BaseLearningRate = *m.BaseLearningRate
	}
	if m.Params.PKeep != nil {
		r.PKeep = *m.Params.PKeep
	}
	params := &m.Params.LossConfig.Params
	switch r.LossTarget {
	case targetVQLPIPS, "taming.modules.losses.VQLPIPSWithDiscriminator":
		var extra struct {
			Conditional bool `yaml:"disc_conditional"`
		}
		if err := decodeParams(params, &r.VQGAN, &extra); err != nil {
			return nil, fmt.Errorf("train: %s: lossconfig params: %w", name, err)
		}
		if extra.Conditional {
			return nil, fmt.Errorf("train: %s: disc_conditional is true: Tessera trains the unconditional discriminator only", name)
		}
		if err := r.VQGAN.validate(); err != nil {
			return nil, fmt.Errorf("%w (config %s)", err, name)
		}
	case targetBCEQuant:
		var p struct {
			CodebookWeight *float64 `yaml:"codebook_weight"`
		}
		if err := decodeParams(params, &p); err != nil {
			return nil, fmt.Errorf("train: %s: lossconfig params: %w", name, err)
		}
		if p.CodebookWeight != nil {
			r.CodebookWeight = *p.CodebookWeight
		}
	}
	return r, nil
}

func decodeParams(n *yaml.Node, into ...any) error {
	if n.Kind == 0 {
		return nil
	}
	for _, v := range into {
		if err := n.Decode(v); err != nil {
			return err
		}
	}
	return nil
}

// checkVQGANObjective reports whether the recipe's objective is the one
// Tessera's VQGAN trainer implements.
func (r *Recipe) checkVQGANObjective(name string) error {
	switch r.LossTarget {
	case targetVQLPIPS, "taming.modules.losses.VQLPIPSWithDiscriminator":
		return nil
	}
	return fmt.Errorf("train: %s: the objective %s is not one Tessera trains (it trains %s)", name, r.LossTarget, targetVQLPIPS)
}
