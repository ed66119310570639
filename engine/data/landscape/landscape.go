// Package landscape generates procedural landscapes with their label maps:
// pairs of an RGB image and a per-pixel map of what is drawn (sky, cloud,
// mountain, snow, ...), for training Tessera's default models.
//
// A pair is a pure function of (seed, width, height, scene): every machine
// produces the same bytes, since all arithmetic is in integers. Lengths are
// relative to the image height, so one seed gives the same landscape at any
// size, with detail added as the size grows, and a wider image shows more
// of it on both sides.
package landscape

import (
	"fmt"
	"image"
	"image/color"
	"strings"
)

// The labels, by id: a label map holds these values.
const (
	Sky uint8 = iota
	Cloud
	Mountain
	Snow
	Rock
	Water
	Sand
	Grass
	Tree
	Flowers
)

// Labels names the labels by id.
var Labels = []string{"sky", "cloud", "mountain", "snow", "rock", "water", "sand", "grass", "tree", "flowers"}

// LabelColors gives each label a distinct colour, for showing label maps.
var LabelColors = []color.NRGBA{
	{0x87, 0xce, 0xeb, 255}, // sky
	{0xf0, 0xf0, 0xf0, 255}, // cloud
	{0x80, 0x68, 0x58, 255}, // mountain
	{0xff, 0xff, 0xff, 255}, // snow
	{0x60, 0x60, 0x68, 255}, // rock
	{0x20, 0x50, 0xc0, 255}, // water
	{0xe8, 0xd0, 0x90, 255}, // sand
	{0x70, 0xc0, 0x40, 255}, // grass
	{0x20, 0x60, 0x28, 255}, // tree
	{0xe0, 0x60, 0xc0, 255}, // flowers
}

// Scene is a kind of landscape: it sets the layout's odds, the palette and
// the light. Scenes are numbered in the alphabetical order of their names,
// so folders named after them sort into the same ids.
type Scene int

const (
	Alpine Scene = iota
	Coast
	Desert
	Dusk
	Forest
	Lake
	Meadow

	// Random draws the scene from the seed (see RandomScene).
	Random Scene = -1
)

// Scenes names the scenes by id.
var Scenes = []string{"alpine", "coast", "desert", "dusk", "forest", "lake", "meadow"}

func (s Scene) String() string {
	if s >= 0 && int(s) < len(Scenes) {
		return Scenes[s]
	}
	if s == Random {
		return "random"
	}
	return fmt.Sprintf("Scene(%d)", int(s))
}

// ParseScene finds a scene by name; "random" (or "") is Random.
func ParseScene(name string) (Scene, error) {
	if name == "" || name == "random" {
		return Random, nil
	}
	for i, n := range Scenes {
		if n == name {
			return Scene(i), nil
		}
	}
	return 0, fmt.Errorf("landscape: unknown scene %q (scenes: %s, or random)", name, strings.Join(Scenes, ", "))
}

// RandomScene is the scene Random gives for seed.
func RandomScene(seed int64) Scene {
	return Scene(newRNG(seed, 0x5ce9e).intn(len(Scenes)))
}

// MaxSide is the largest width or height Generate accepts.
const MaxSide = 8192

// Generate draws the landscape of seed as a w x h image and its label map
// (one label id per pixel, row-major). Random picks the scene from the seed.
func Generate(seed int64, w, h int, scene Scene) (*image.NRGBA, []uint8, error) {
	if w < 1 || h < 1 || w > MaxSide || h > MaxSide {
		return nil, nil, fmt.Errorf("landscape: size %dx%d is outside 1x1 to %dx%d", w, h, MaxSide, MaxSide)
	}
	if scene == Random {
		scene = RandomScene(seed)
	}
	if scene < 0 || int(scene) >= len(Scenes) {
		return nil, nil, fmt.Errorf("landscape: unknown scene %d (0 to %d, or Random)", int(scene), len(Scenes)-1)
	}
	g := build(seed, w, h, scene)
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	labels := make([]uint8, w*h)
	g.render(img, labels)
	return img, labels, nil
}
