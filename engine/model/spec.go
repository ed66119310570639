// Package model opens the models people have — taming-transformers log
// directories, Lightning .ckpt files with their YAML, and Tessera's own
// safetensors files — and assembles the first stage, conditioning stage and
// transformer they describe.
package model

import (
	"fmt"

	"tessera/engine/classify"
	"tessera/engine/gpt"
	"tessera/engine/vqgan"
)

// Kinds of model.
const (
	KindVQGAN   = "vqgan"   // a first stage alone
	KindNet2Net = "net2net" // a transformer over a first stage's tokens
	// KindClassifier is Tessera's pixel classifier: FirstStage's encoder
	// and decoder without a quantizer, one output channel per label.
	KindClassifier = "classifier"
)

// TargetClassifier is the model target of a pixel classifier's YAML
// config: Tessera's own, not a taming class.
const TargetClassifier = "tessera.models.PixelClassifier"

// Conditioning kinds of a Net2Net model.
const (
	CondNone       = "none"        // unconditional: a single SOS token
	CondClass      = "class"       // the class id is the single conditioning token
	CondSpatial    = "spatial"     // a VQ cond stage tokenises an image-like map
	CondFirstStage = "first_stage" // the first stage itself tokenises the condition
)

// Spec is everything needed to build a model besides its weights. Tessera
// stores it as JSON in its safetensors files; taming YAML configs are
// translated into it.
type Spec struct {
	Kind        string        `json:"kind"`
	FirstStage  vqgan.Config  `json:"first_stage"`
	Transformer *gpt.Config   `json:"transformer,omitempty"`
	Cond        *CondSpec     `json:"cond,omitempty"`
	CondStage   *vqgan.Config `json:"cond_stage,omitempty"`
	LabelNames  []string      `json:"label_names,omitempty"` // a classifier's labels by id (optional)
}

// CondSpec describes how a Net2Net model is conditioned.
type CondSpec struct {
	Kind     string   `json:"kind"`
	Key      string   `json:"key,omitempty"`       // taming's cond_stage_key: class_label, segmentation, depth, ...
	SOSToken int      `json:"sos_token,omitempty"` // the token of an unconditional model
	Classes  int      `json:"classes,omitempty"`   // number of classes of a class-conditional model
	Labels   int      `json:"labels,omitempty"`    // input channels of a segmentation cond stage
	Names    []string `json:"names,omitempty"`     // optional class or label names
}

// Validate checks the parts fit together.
func (s *Spec) Validate() error {
	if s.Kind == KindClassifier {
		return classify.Validate(s.FirstStage.DD, s.LabelNames)
	}
	if err := s.FirstStage.Validate(); err != nil {
		return err
	}
	switch s.Kind {
	case KindVQGAN:
		return nil
	case KindNet2Net:
	default:
		return fmt.Errorf("model: unknown kind %q", s.Kind)
	}
	if s.Transformer == nil || s.Cond == nil {
		return fmt.Errorf("model: a net2net model needs a transformer and a conditioning")
	}
	if err := s.Transformer.Validate(); err != nil {
		return err
	}
	if v := s.FirstStage.NEmbed; s.Transformer.VocabSize < v {
		return fmt.Errorf("model: the transformer's vocabulary (%d) is smaller than the first stage's codebook (%d)", s.Transformer.VocabSize, v)
	}
	switch s.Cond.Kind {
	case CondNone, CondFirstStage:
	case CondClass:
		if s.Cond.Classes <= 0 || s.Cond.Classes > s.Transformer.VocabSize {
			return fmt.Errorf("model: %d classes do not fit the transformer's vocabulary of %d", s.Cond.Classes, s.Transformer.VocabSize)
		}
	case CondSpatial:
		if s.CondStage == nil {
			return fmt.Errorf("model: spatial conditioning needs a cond stage")
		}
		if err := s.CondStage.Validate(); err != nil {
			return fmt.Errorf("cond stage: %w", err)
		}
	default:
		return fmt.Errorf("model: unknown conditioning %q", s.Cond.Kind)
	}
	return nil
}
