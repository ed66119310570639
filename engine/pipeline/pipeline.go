// Package pipeline strings the engine's parts into the operations a user
// asks for — encode an image, decode a grid, sample or resample with a
// conditioning, make a high-resolution image — shared by the command line
// and the studio.
package pipeline

import (
	"context"
	"fmt"
	"image"
	"runtime"
	"runtime/debug"

	"gorgonia.org/tensor"

	"tessera/engine/imgio"
	"tessera/engine/model"
	"tessera/engine/nn"
	"tessera/engine/tokens"
	"tessera/engine/vqgan"
)

// Encode tokenises an image with the model's first stage. The image is
// prepared as imgio.Prepare does (alpha dropped, centre-cropped to the
// downsampling factor); the notes say what was changed.
func Encode(m *model.Model, img image.Image) (tokens.Grid, []string, error) {
	fs := m.FirstStage
	if fs.Config.DD.InChannels != 3 {
		return tokens.Grid{}, nil, fmt.Errorf("pipeline: this first stage encodes %d-channel inputs, not RGB images", fs.Config.DD.InChannels)
	}
	f := fs.Config.Factor()
	b := img.Bounds()
	need := EncodeBytes(fs, b.Dx()/f*f, b.Dy()/f*f, 0)
	if err := CheckMemory(fmt.Sprintf("encoding a %dx%d image", b.Dx(), b.Dy()), need); err != nil {
		return tokens.Grid{}, nil, err
	}
	rgb, notes, err := imgio.Prepare(img, f)
	if err != nil {
		return tokens.Grid{}, nil, err
	}
	x := imgio.ToTensor(rgb)
	enc, err := encodeHeld(fs, x, need)
	if err != nil {
		return tokens.Grid{}, nil, err
	}
	return tokens.Grid{W: enc.W, H: enc.H, Codes: enc.Tokens}, notes, nil
}

// encodeHeld encodes x with the collector held near the live set when the
// encode is large (see holdHeap).
func encodeHeld(fs *vqgan.Model, x *tensor.Dense, need int64) (*vqgan.Encoding, error) {
	defer holdHeap(need)()
	return fs.Encode(x, nil)
}

// EncodeFile loads and encodes an image file. Its size is read from the
// header and checked against the memory budget before it is decoded.
func EncodeFile(m *model.Model, path string) (tokens.Grid, []string, error) {
	f := m.FirstStage.Config.Factor()
	w, h, err := imgio.Size(path)
	if err != nil {
		return tokens.Grid{}, nil, err
	}
	// The decoded file (up to 8 bytes a pixel) comes on top.
	need := add(EncodeBytes(m.FirstStage, w/f*f, h/f*f, 0), mul(int64(w), int64(h), 8))
	if err := CheckMemory(fmt.Sprintf("encoding %s (%dx%d)", path, w, h), need); err != nil {
		return tokens.Grid{}, nil, err
	}
	img, notes, err := imgio.Load(path, f)
	if err != nil {
		return tokens.Grid{}, nil, err
	}
	g, more, err := Encode(m, img)
	return g, append(notes, more...), err
}

// DecodeOptions control how a grid becomes an image.
type DecodeOptions struct {
	// Tile makes the image tile seamlessly: the decoder pads circularly.
	Tile bool
	// Budget is the memory in bytes a whole-latent decode may take before
	// tiled decoding is used instead (0: DefaultBudget).
	Budget int64
}

// DefaultBudget keeps whole decodes up to 1024x1024 pixels for the f16
// ImageNet architecture and decodes anything larger in tiles.
const DefaultBudget = 2500 << 20

// Decode turns a token grid into an image. progress, if set, reports the
// decoder's blocks, or the tiles when the grid is decoded in tiles.
func Decode(ctx context.Context, m *model.Model, g tokens.Grid, opt DecodeOptions, progress func(done, total int)) (*image.NRGBA, error) {
	fs := m.FirstStage
	if fs.Decoder == nil {
		return nil, fmt.Errorf("pipeline: %s was opened without its decoder", m.WeightsPath)
	}
	if err := g.Validate(fs.Quantizer.Vocab()); err != nil {
		return nil, err
	}
	if err := CheckMemory(fmt.Sprintf("decoding a grid of %dx%d tokens", g.W, g.H), DecodeBytes(fs, g.W, g.H, opt)); err != nil {
		return nil, err
	}
	budget := opt.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	var out *image.NRGBA
	var err error
	if WholeDecodeBytes(fs, g.W, g.H) <= budget {
		out, err = decodeWhole(ctx, fs, g, opt.Tile, progress)
	} else {
		out, err = decodeTiles(ctx, fs, g, opt.Tile, progress)
	}
	return out, err
}

// WholeDecodeBytes estimates the peak memory of decoding a w×h grid at
// once: four full-resolution feature maps (three live, room for scratch)
// plus the attention scores at the lowest resolution.
func WholeDecodeBytes(fs *vqgan.Model, w, h int) int64 { return decodeBytes(fs, w, h, 4) }

// decodeBytes is the size of maps feature maps of the decoder's last,
// full-resolution level for a w×h grid, plus the attention scores at the
// lowest resolution.
func decodeBytes(fs *vqgan.Model, w, h int, maps int64) int64 {
	f := int64(fs.Config.Factor())
	ch0 := int64(fs.Config.DD.Ch * fs.Config.DD.ChMult[0])
	cells := int64(w) * int64(h)
	return maps*4*ch0*cells*f*f + 8*cells*cells
}

func decodeWhole(ctx context.Context, fs *vqgan.Model, g tokens.Grid, circular bool, progress func(done, total int)) (*image.NRGBA, error) {
	// The heap needs three full-resolution maps on top of what is in use: a
	// block's input and output and the buffer being recycled.
	defer holdHeap(decodeBytes(fs, g.W, g.H, 3))()
	if circular {
		fs.Decoder.SetCircular(true)
		defer fs.Decoder.SetCircular(false)
	}
	zq, err := fs.Quantizer.Embed(g.Codes, 1, g.H, g.W)
	if err != nil {
		return nil, err
	}
	x, err := fs.DecodeProgress(ctx, zq, nil, progress)
	nn.Recycle(zq)
	if err != nil {
		return nil, err
	}
	defer nn.Recycle(x)
	return firstImage(x)
}

// holdHeap sets a soft memory limit of the heap in use plus need, unless a
// lower one is set, and returns the function that restores the old limit.
// Without it the collector lets a large decode's heap grow to twice its live
// feature maps: 1024x1024 from the f16 decoder peaked above 3 GB on 16
// threads instead of about 2.
// Small decodes are left alone: their scratch buffers are a large share of
// their need, and collecting often would only slow them.
func holdHeap(need int64) func() {
	if need < 1<<30 {
		return func() {}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	limit := int64(ms.HeapAlloc) + need
	prev := debug.SetMemoryLimit(-1) // a negative limit only reads it
	if limit >= prev {
		return func() {}
	}
	debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(prev) }
}

// decodeTiles decodes in overlapping tiles. For a tiling image the grid is
// first padded by wrapping, so tiles at the edges see the opposite side.
func decodeTiles(ctx context.Context, fs *vqgan.Model, g tokens.Grid, circular bool, progress func(done, total int)) (*image.NRGBA, error) {
	t := fs.DefaultTiling()
	margin := 0
	src := g
	if circular {
		margin = t.Overlap
		src = wrapPad(g, margin)
	}
	zq, err := fs.Quantizer.Embed(src.Codes, 1, src.H, src.W)
	if err != nil {
		return nil, err
	}
	x, err := fs.DecodeTiled(ctx, zq, t, progress)
	nn.Recycle(zq)
	if err != nil {
		return nil, err
	}
	defer nn.Recycle(x)
	img, err := firstImage(x)
	if err != nil || margin == 0 {
		return img, err
	}
	f := fs.Config.Factor()
	crop := image.Rect(margin*f, margin*f, (margin+g.W)*f, (margin+g.H)*f)
	out := image.NewNRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
	for y := 0; y < crop.Dy(); y++ {
		copy(out.Pix[y*out.Stride:(y+1)*out.Stride], img.Pix[(crop.Min.Y+y)*img.Stride+crop.Min.X*4:])
	}
	return out, nil
}

// wrapPad surrounds a grid with m cells taken from the opposite edges.
func wrapPad(g tokens.Grid, m int) tokens.Grid {
	out := tokens.New(g.W+2*m, g.H+2*m)
	for y := 0; y < out.H; y++ {
		for x := 0; x < out.W; x++ {
			out.Set(x, y, g.At(mod(x-m, g.W), mod(y-m, g.H)))
		}
	}
	return out
}

func mod(a, n int) int { return ((a % n) + n) % n }

func firstImage(x *tensor.Dense) (*image.NRGBA, error) {
	imgs, err := imgio.FromTensor(x)
	if err != nil {
		return nil, err
	}
	return imgs[0], nil
}
