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
	if len(h.undo) == 0 {
		return current, false
	}
	prev := h.undo[len(h.undo)-1]
	h.undo = h.undo[:len(h.undo)-1]
	h.redo = append(h.redo, current.Clone())
	return prev, true
}

// Redo reapplies the last undone edit.
func (h *History) Redo(current tokens.Grid) (tokens.Grid, bool) {
	if len(h.redo) == 0 {
		return current, false
	}
	next := h.redo[len(h.redo)-1]
	h.redo = h.redo[:len(h.redo)-1]
	h.undo = append(h.undo, current.Clone())
	return next, true
}

// CanUndo and CanRedo tell whether there is a step to take.
func (h *History) CanUndo() bool { return len(h.undo) > 0 }
func (h *History) CanRedo() bool { return len(h.redo) > 0 }
