package app

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// FyneApp.toml is what the fyne tool packages from; the binary uses the
// constants. They must agree.
func TestMetadataMatchesFyneAppToml(t *testing.T) {
	f, err := os.Open("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			got[section+"."+strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	want := map[string]string{
		"Details.Name":      Name,
		"Details.ID":        ID,
		"Details.Version":   Version,
		"Details.Icon":      "assets/icon.png",
		"Migrations.fyneDo": "true",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("FyneApp.toml %s = %q, want %q", k, got[k], v)
		}
	}
}
