package codebook

import (
	"context"
	"testing"

	"tessera/engine/jobs"
	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

func TestACancelledCodebookOffersRetry(t *testing.T) {
	env, _ := uitest.Env(t)
	cv := New(env).(*codebookView)
	w := uitest.Window(t, env, cv.Content)
	uitest.WaitJob(t, env.Session.OpenModel(uitest.Tiny("vqgan"), ""))
	// A job ahead holds the codebook's in the queue, where it is cancelled.
	release := make(chan struct{})
	env.Session.Worker.Submit("ahead", func(context.Context, func(jobs.Progress)) (jobs.Result, error) {
		<-release
		return nil, nil
	})
	m, card := env.Session.Model()
	view.Sync(func() { cv.ModelChanged(m, card) })
	for _, j := range env.Session.Worker.Jobs() {
		if j.Name == "Codebook atlas" {
			j.Cancel()
		}
	}
	close(release)
	uitest.WaitForText(t, w, "Decoding the codebook was cancelled.")
	uitest.TapButton(t, w, retryText)
	uitest.WaitFor(t, func() bool { return cv.atlas.image.Image != nil && cv.main.Visible() })
}
