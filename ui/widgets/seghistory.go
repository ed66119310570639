package widgets

import "slices"

// maxSegUndo bounds the painter's undo history: a hi-res map of 512×512
// labels costs 2 MiB a step.
const maxSegUndo = 40

// segSnapshot is a whole label map as it was before an edit.
type segSnapshot struct {
	labels []int
	w, h   int
}

// segHistory holds the painter's undo and redo steps, oldest first.
type segHistory struct{ undo, redo []segSnapshot }

func (p *SegPainter) snapshot() segSnapshot {
	return segSnapshot{labels: slices.Clone(p.labels), w: p.w, h: p.h}
}

// remember keeps the map as it is before an edit; a new edit drops what
// could be redone.
func (p *SegPainter) remember() {
	h := &p.history
	h.undo = append(h.undo, p.snapshot())
	if len(h.undo) > maxSegUndo {
		h.undo = slices.Delete(h.undo, 0, 1)
	}
	h.redo = nil
}

// forget drops the step remember kept, for an edit that changed nothing.
func (p *SegPainter) forget() { p.history.undo = p.history.undo[:len(p.history.undo)-1] }

// CanUndo and CanRedo tell whether there is a step to undo or redo.
func (p *SegPainter) CanUndo() bool { return len(p.history.undo) > 0 }
func (p *SegPainter) CanRedo() bool { return len(p.history.redo) > 0 }

// Undo restores the map as it was before the last edit.
func (p *SegPainter) Undo() { p.step(&p.history.undo, &p.history.redo) }

// Redo makes the last undone edit again.
func (p *SegPainter) Redo() { p.step(&p.history.redo, &p.history.undo) }

// step moves the map from one stack to the other: the top of from is
// restored and the map as it is now goes onto to. A step taken at another
// size is scaled to the map's size now (Hi-Res rescales its map with the
// target size).
func (p *SegPainter) step(from, to *[]segSnapshot) {
	if len(*from) == 0 || p.painting {
		return
	}
	s := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	*to = append(*to, p.snapshot())
	p.setLabels(scaleLabels(s.labels, s.w, s.h, p.w, p.h), p.w, p.h)
	p.changed()
}

// scaleLabels scales a w×h map to tw×th, nearest neighbour.
func scaleLabels(labels []int, w, h, tw, th int) []int {
	if w == tw && h == th {
		return slices.Clone(labels)
	}
	out := make([]int, tw*th)
	for y := range th {
		for x := range tw {
			out[y*tw+x] = labels[(y*h/th)*w+x*w/tw]
		}
	}
	return out
}
