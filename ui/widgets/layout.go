package widgets

import (
	"slices"

	"tessera/engine/data/landscape"
)

// firstLayoutSeed is the landscape a new user's first map is drawn from:
// an alpine scene that shows eight of the ten labels at 64×64 (seed 1 is
// a desert of sky and sand).
const firstLayoutSeed = 18

// landscapeIDs gives each landscape label the model's label of that name,
// or nil when the model does not name them all (only a model trained on
// the landscapes, as the built-in one is, does).
func landscapeIDs(names []string) []int {
	ids := make([]int, len(landscape.Labels))
	for i, name := range landscape.Labels {
		if ids[i] = slices.Index(names, name); ids[i] < 0 {
			return nil
		}
	}
	return ids
}

// landscapeLayout draws the procedural landscape of seed as a w×h map of
// the model's labels; nil when the model's labels are not the landscapes'.
func landscapeLayout(seed int64, w, h int, names []string) []int {
	ids := landscapeIDs(names)
	if ids == nil {
		return nil
	}
	_, ls, err := landscape.Generate(seed, w, h, landscape.Random)
	if err != nil {
		return nil // a size the views never ask for
	}
	out := make([]int, len(ls))
	for i, l := range ls {
		out[i] = ids[l]
	}
	return out
}
