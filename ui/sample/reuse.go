package sample

import (
	"fmt"
	"strconv"
	"strings"

	"tessera/engine/outputs"
)

// reuse is Env.ReuseSettings: a result's seed, top-k, top-p, temperature
// and class become the settings (the seed fixed, so the next run makes it
// again), and the view comes to the front. A painted or loaded condition
// is not in the parameters: the status says to give it again.
func (v *sampleView) reuse(p map[string]any) {
	s := v.settings
	var missed []string
	if seed, err := strconv.ParseInt(fmt.Sprint(p["seed"]), 10, 64); err == nil {
		s.seed.Random.SetChecked(false)
		s.seed.Entry.SetText(strconv.FormatInt(seed, 10))
	} else {
		missed = append(missed, "seed")
	}
	if k, ok := outputs.Int(p["top_k"]); ok && k >= 0 {
		s.topK.SetValue(min(float64(k), s.topK.Max))
	}
	for key, sl := range map[string]interface{ SetValue(float64) }{"top_p": s.topP, "temperature": s.temp} {
		if f, err := strconv.ParseFloat(fmt.Sprint(p[key]), 64); err == nil {
			sl.SetValue(f)
		}
	}
	if c, ok := outputs.Int(p["class"]); ok && !v.cond.SetClass(c) {
		missed = append(missed, fmt.Sprintf("class %d (the model in use has no such class)", c))
	}
	if c, ok := p["condition"]; ok {
		missed = append(missed, fmt.Sprintf("the condition %q (paint or load it again)", c))
	}
	msg := fmt.Sprintf("Reused the settings of seed %v.", p["seed"])
	if len(missed) > 0 {
		msg += fmt.Sprintf(" Not restored: %s.", strings.Join(missed, ", "))
	}
	v.status.Info(msg)
	if v.env.Show != nil {
		v.env.Show(v.Title())
	}
}
