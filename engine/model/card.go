package model

// Card summarises a model for people: what `tessera inspect` prints and the
// studio's model card shows.
type Card struct {
	Kind         string           `json:"kind"`
	Conditioning string           `json:"conditioning"`
	CondKey      string           `json:"cond_key,omitempty"`
	Classes      int              `json:"classes,omitempty"`
	Labels       int              `json:"labels,omitempty"`
	LabelNames   []string         `json:"label_names,omitempty"`
	ClassNames   []string         `json:"class_names,omitempty"`
	CodebookSize int              `json:"codebook_size"`
	CodebookDim  int              `json:"codebook_dim"`
	Factor       int              `json:"downsampling_factor"`
	NativeGrid   int              `json:"native_grid"`
	Window       int              `json:"window,omitempty"`
	Params       map[string]int64 `json:"parameters"`
	Source       string           `json:"source"`
	Format       string           `json:"format"`
	Configs      []string         `json:"configs,omitempty"`
	SHA256       string           `json:"sha256"`
}

// Card describes the model; it hashes the weights file, which takes a few
// seconds per gigabyte.
func (m *Model) Card() (*Card, error) { return m.card(fileSHA256) }

// CardCached describes the model as Card does, with the weights file's
// hash from hashes: read again only when the file has changed.
func (m *Model) CardCached(hashes *HashCache) (*Card, error) { return m.card(hashes.SHA256) }

// card describes the model, hashing its weights file with sha.
func (m *Model) card(sha func(path string) (string, error)) (*Card, error) {
	if cl := m.Classifier; cl != nil {
		c := &Card{
			Kind: m.Spec.Kind, Conditioning: CondNone, Labels: cl.Labels(), LabelNames: cl.Names, Factor: cl.Factor(),
			Params: map[string]int64{"encoder": cl.EncoderParams, "decoder": cl.DecoderParams},
			Source: m.WeightsPath, Format: m.Format, Configs: m.ConfigPaths,
		}
		return c, c.hash(m.WeightsPath, sha)
	}
	fs := m.FirstStage
	c := &Card{
		Kind:         m.Spec.Kind,
		Conditioning: CondNone,
		CodebookSize: fs.Quantizer.Vocab(),
		Factor:       fs.Config.Factor(),
		Params: map[string]int64{
			"encoder":  fs.EncoderParams,
			"decoder":  fs.DecoderParams,
			"codebook": fs.CodebookParams,
		},
		Source:  m.WeightsPath,
		Format:  m.Format,
		Configs: m.ConfigPaths,
	}
	_, c.CodebookDim = fs.Quantizer.Codebook()
	c.NativeGrid = fs.Config.DD.Resolution / c.Factor
	if m.Transformer != nil {
		c.Conditioning = m.Spec.Cond.Kind
		c.CondKey = m.Spec.Cond.Key
		c.Classes, c.Labels = m.Spec.Cond.Classes, m.Spec.Cond.Labels
		if c.Classes > 0 {
			c.ClassNames = m.Spec.Cond.Names
		} else {
			c.LabelNames = m.Spec.Cond.Names
		}
		c.Window = m.Window()
		c.NativeGrid = c.Window
		c.Params["transformer"] = m.Transformer.Params
		if m.Spec.Cond.Kind == CondSpatial {
			cs := m.CondStage
			c.Params["cond_stage"] = cs.EncoderParams + cs.DecoderParams + cs.CodebookParams
		}
	}
	return c, c.hash(m.WeightsPath, sha)
}

// hash records the weights file's SHA-256, when there is a file.
func (c *Card) hash(path string, sha func(string) (string, error)) error {
	if path == "" {
		return nil
	}
	sum, err := sha(path)
	c.SHA256 = sum
	return err
}

// Window is the edge of the token window the transformer attends to, which
// is also the grid it samples without a sliding window: what the context
// holds, but no more than the first stage's training grid, the crops the
// transformer learned on. Zero for a first stage.
func (m *Model) Window() int {
	if m.Transformer == nil {
		return 0
	}
	spatial := m.Spec.Cond.Kind == CondSpatial || m.Spec.Cond.Kind == CondFirstStage
	fs := m.FirstStage.Config
	return min(m.Transformer.Config.Window(spatial), fs.DD.Resolution/fs.Factor())
}
