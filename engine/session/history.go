package session

import "tessera/engine/tokens"

// History is an undo/redo stack of token grids for the editor. Each Push
// records the state before an edit.
type History struct {
	undo, redo []tokens.Grid
	limit      int
}

// NewHistory keeps up to limit undo steps.
func NewHistory(limit int) *History { return &History{limit: limit} }

// Push records g as the state to return to on Undo and forgets the redo steps.
func (h *History) Push(g tokens.Grid) {
	h.undo = append(h.undo, g.Clone())
	if len(h.undo) > h.limit {
		h.undo = h.undo[1:]
	}
	h.redo = nil
}

// Undo returns the state before the last edit, given the current one.
func (h *History) Undo(current tokens.Grid) (tokens.Grid, bool) {
	return step(&h.undo, &h.redo, current)
}

// Redo reapplies the last undone edit.
func (h *History) Redo(current tokens.Grid) (tokens.Grid, bool) {
	return step(&h.redo, &h.undo, current)
}

// step pops the newest state off from and pushes current onto to.
func step(from, to *[]tokens.Grid, current tokens.Grid) (tokens.Grid, bool) {
	if len(*from) == 0 {
		return current, false
	}
	last := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	*to = append(*to, current.Clone())
	return last, true
}

// CanUndo and CanRedo tell whether there is a step to take.
func (h *History) CanUndo() bool { return len(h.undo) > 0 }
func (h *History) CanRedo() bool { return len(h.redo) > 0 }
