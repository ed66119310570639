package ui

import (
	"path/filepath"
	"strings"

	"tessera/engine/model"
)

// Builtins are the models the studio offers without a file: in File > Open
// Built-in Model, in the empty state and in the welcome panel. A field is
// "" when the binary has no such model. Package app sets them (from
// BinaryBuiltins); tests set the tiny fixtures in their place.
type Builtins struct {
	// Landscape is the segmentation-conditioned landscape model
	// (model.DefaultModel): paint a label map, sample a landscape. The
	// studio opens it when no other model is asked for.
	Landscape string
	// Scenes is the class-conditional model over the scene types
	// (model.DefaultScenes): sample a scene from its type.
	Scenes string
}

// BinaryBuiltins are the built-in models this binary holds. The pixel
// classifier (model.DefaultClassifier) is never among them: it labels
// images and the studio cannot open it.
func BinaryBuiltins() Builtins { return builtinsOf(model.HasBuiltin) }

func builtinsOf(has func(string) bool) Builtins {
	var b Builtins
	if has(model.DefaultModel) {
		b.Landscape = model.DefaultModel
	}
	if has(model.DefaultScenes) {
		b.Scenes = model.DefaultScenes
	}
	return b
}

// Labels of the built-in models in File > Open Built-in Model, shared with
// the tests.
const (
	builtinMenuText      = "Open Built-in Model"
	builtinLandscapeText = "Paint Landscapes"
	builtinScenesText    = "Landscape Scenes"
	noBuiltinText        = "None in this build"
	openBuiltinText      = "Open the Built-in Landscape Model"
)

// builtinItem is a built-in model as the menu lists it.
type builtinItem struct{ label, path string }

// items lists the built-in models present, in menu order.
func (b Builtins) items() []builtinItem {
	var out []builtinItem
	for _, it := range []builtinItem{{builtinLandscapeText, b.Landscape}, {builtinScenesText, b.Scenes}} {
		if it.path != "" {
			out = append(out, it)
		}
	}
	return out
}

// welcomeModel is the model the welcome panel starts from: the landscape
// model, or the scenes model when there is only that.
func (b Builtins) welcomeModel() string {
	if b.Landscape != "" {
		return b.Landscape
	}
	return b.Scenes
}

// isWelcomeModel tells whether the model at path is one of the built-in
// landscape models, which the welcome panel is about.
func (b Builtins) isWelcomeModel(path string) bool {
	return path != "" && (sameModel(path, b.Landscape) || sameModel(path, b.Scenes))
}

// sameModel tells whether two model paths name the same model: the same
// built-in name, or the same file however it was reached.
func sameModel(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if model.IsBuiltin(a) || model.IsBuiltin(b) {
		return a == b
	}
	return absPath(a) == absPath(b)
}

// absPath is a file's absolute path; a built-in model's name is kept as it
// is.
func absPath(path string) string {
	if model.IsBuiltin(path) {
		return path
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// builtinName is a built-in model's name without the prefix.
func builtinName(path string) string { return strings.TrimPrefix(path, model.BuiltinPrefix) }
