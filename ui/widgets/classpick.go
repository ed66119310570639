package widgets

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/model"
)

// imageNetText is the standard ImageNet-1k class names, one per line, line
// i naming class i (the short names torchvision and Keras show).
//
//go:embed imagenet_classes.txt
var imageNetText string

// imageNetClasses is how many classes an ImageNet model has.
const imageNetClasses = 1000

// classNames are the names of m's classes: its own, else the ImageNet
// names for a 1000-class model (taming's ImageNet transformers carry none).
func classNames(m *model.Model) []string {
	c := m.Spec.Cond
	if len(c.Names) > 0 || c.Classes != imageNetClasses {
		return c.Names
	}
	return strings.Split(strings.TrimSuffix(imageNetText, "\n"), "\n")
}

// classPicker chooses one of a model's classes from a list that a search
// by name or number narrows.
type classPicker struct {
	options []string // every class as the list shows it, by id
	chosen  int
	search  *widget.Entry
	list    *widget.Select
	matches *widget.Label
	form    fyne.CanvasObject

	onChoose func(class int) // after the user chose a class
}

func newClassPicker(n int, names []string, chosen int, onChoose func(int)) *classPicker {
	p := &classPicker{options: make([]string, n), onChoose: onChoose}
	for i := range p.options {
		p.options[i] = labelName(i, names)
	}
	p.list = widget.NewSelect(p.options, nil)
	p.show(chosen)
	p.list.OnChanged = func(text string) {
		if i := slices.Index(p.options, text); i >= 0 && i != p.chosen {
			p.chosen = i
			p.onChoose(i)
		}
	}
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder("Search by name or number")
	p.search.OnChanged = p.filter
	p.search.OnSubmitted = func(string) { p.chooseFirst() }
	p.matches = widget.NewLabel("")
	p.filter("")
	p.form = widget.NewForm(
		widget.NewFormItem("Search", p.search),
		widget.NewFormItem("Class", p.list),
		widget.NewFormItem("", p.matches))
	return p
}

// show shows class i as chosen, without telling onChoose; the list may be
// narrowed to other classes, so the choice is set directly.
func (p *classPicker) show(i int) {
	p.chosen = i
	p.list.Selected = p.options[i]
	p.list.Refresh()
}

// filter narrows the list to the classes whose number or name contains
// the query, ignoring case; the class of that exact number comes first.
func (p *classPicker) filter(query string) {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		p.list.Options = p.options
		p.matches.SetText(fmt.Sprintf("%d classes", len(p.options)))
		p.list.Refresh()
		return
	}
	var out []string
	if n, err := strconv.Atoi(q); err == nil && n >= 0 && n < len(p.options) {
		out = append(out, p.options[n])
	}
	for _, o := range p.options {
		if strings.Contains(strings.ToLower(o), q) && (len(out) == 0 || o != out[0]) {
			out = append(out, o)
		}
	}
	p.list.Options = out
	switch len(out) {
	case 0:
		p.matches.SetText(fmt.Sprintf("No class matches %q.", query))
	case 1:
		p.matches.SetText("1 class matches: Enter chooses it.")
	default:
		p.matches.SetText(fmt.Sprintf("%d of %d classes match: Enter chooses the first.", len(out), len(p.options)))
	}
	p.list.Refresh()
}

// chooseFirst chooses the first class the search left.
func (p *classPicker) chooseFirst() {
	if len(p.list.Options) > 0 {
		p.list.SetSelected(p.list.Options[0])
	}
}
