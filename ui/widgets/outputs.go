package widgets

import (
	"image"
	"os"
	"time"

	"tessera/engine/pipeline"
	"tessera/engine/tokens"
	"tessera/ui/view"
)

// Keep writes results into the output history (Env.Outputs) off the UI
// goroutine, and returns the sentence to add to the view's status
// (" Saved in DIR.", DIR the day's folder), or "" when the studio keeps no
// history. A failed write is shown in st.
func Keep(env *view.Env, st *StatusLine, res ...pipeline.Result) string {
	items := make([]kept, len(res))
	for i, r := range res {
		items[i] = kept{r.Image, r.Grid, r.Params}
	}
	return keep(env, st, items)
}

// KeepImage is Keep for an image and its grid that are not a sampling
// result (an edit that was saved).
func KeepImage(env *view.Env, st *StatusLine, img image.Image, g tokens.Grid, params map[string]any) string {
	return keep(env, st, []kept{{img, g, params}})
}

// kept is one file of the output history.
type kept struct {
	img    image.Image
	grid   tokens.Grid
	params map[string]any
}

func keep(env *view.Env, st *StatusLine, items []kept) string {
	if env.Outputs == nil || len(items) == 0 {
		return ""
	}
	// The grids belong to the views, which may edit them: write copies.
	for i := range items {
		items[i].grid = items[i].grid.Clone()
	}
	out, now := *env.Outputs, time.Now()
	go func() {
		for _, it := range items {
			if _, err := out.Save(now, it.img, it.grid, it.params); err != nil {
				view.Do(func() { st.Fail(err) })
				return
			}
		}
	}()
	return " Saved in " + out.Day(now) + "."
}

// ShowOutputs opens the output history's folder in the file manager,
// making it first when nothing was kept yet.
func ShowOutputs(env *view.Env) error {
	if env.Outputs == nil {
		return nil
	}
	if err := os.MkdirAll(env.Outputs.Root, 0o755); err != nil {
		return err
	}
	env.Ctrl.ShowFolder(env.Outputs.Root)
	return nil
}
